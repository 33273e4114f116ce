package dev.triplestream.autoconfigure;

import java.util.ArrayList;
import java.util.List;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;
import org.springframework.util.ClassUtils;

import dev.triplestream.server.TripleServer;

/**
 * Refuses to start an application in which both the Triple server and Spring Boot's own gRPC server
 * (the {@code spring-boot-grpc-server} module of Spring Boot 4.1 and later) would serve the
 * application's services: two servers would bind the same port, or, on different ports, serve every
 * service twice with different lifecycles. The check runs once every singleton exists and before
 * either server starts, and fails start-up with {@link TwoGrpcServersException}, which names the
 * properties that keep one. Client channels of both stacks may coexist and are not checked.
 */
@AutoConfiguration(after = TripleServerAutoConfiguration.class,
		afterName = SpringGrpcServerConflictAutoConfiguration.SPRING_GRPC_SERVER_AUTO_CONFIGURATION)
@ConditionalOnClass(name = SpringGrpcServerConflictAutoConfiguration.SPRING_GRPC_SERVER_FACTORY)
@ConditionalOnBean(TripleServer.class)
public class SpringGrpcServerConflictAutoConfiguration {

	static final String SPRING_GRPC_SERVER_AUTO_CONFIGURATION = "org.springframework.boot.grpc.server.autoconfigure.GrpcServerAutoConfiguration";

	static final String SPRING_GRPC_SERVER_FACTORY = "org.springframework.grpc.server.GrpcServerFactory";

	/** Spring Boot's gRPC server on the servlet container's port (no server factory of its own). */
	static final String SPRING_GRPC_SERVLET_REGISTRATION = "org.springframework.boot.grpc.server.GrpcServletRegistration";

	@Bean
	static SmartInitializingSingleton tripleServerIsTheOnlyGrpcServer(ListableBeanFactory beanFactory) {
		return () -> {
			List<String> springGrpcServers = new ArrayList<>();
			for (String type : List.of(SPRING_GRPC_SERVER_FACTORY, SPRING_GRPC_SERVLET_REGISTRATION)) {
				if (ClassUtils.isPresent(type, beanFactory.getClass().getClassLoader())) {
					Class<?> beanType = ClassUtils.resolveClassName(type, beanFactory.getClass().getClassLoader());
					springGrpcServers.addAll(List.of(beanFactory.getBeanNamesForType(beanType, true, false)));
				}
			}
			if (!springGrpcServers.isEmpty()) {
				throw new TwoGrpcServersException(springGrpcServers);
			}
		};
	}

}
