package dev.triplestream.security;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import org.springframework.security.authorization.AuthenticatedAuthorizationManager;
import org.springframework.security.authorization.AuthorityAuthorizationManager;
import org.springframework.security.authorization.AuthorizationManager;
import org.springframework.security.authorization.SingleResultAuthorizationManager;

/**
 * Who may call which method of the Triple server: rules by method or service, like the request
 * rules of Spring Security's {@code HttpSecurity}. Declare one as a bean:
 *
 * <pre>{@code
 * @Bean
 * TripleSecurity tripleSecurity() {
 *     return TripleSecurity.builder()
 *         .method("triplestream.sample.chat.v1.ChatService/Ticks").hasRole("TICKER")
 *         .service("triplestream.sample.chat.v1.ChatService").authenticated()
 *         .anyMethod().denyAll()
 *         .build();
 * }
 * }</pre>
 *
 * <b>Matching.</b> A call is decided by the first rule that matches its method, in this order: the
 * rules the application wrote for methods and services, in the order written; then the built-in
 * rule {@code service("grpc.health.v1.Health").permitAll()} (probes carry no credentials), unless the
 * application wrote a rule naming the health service; then the application's {@code anyMethod()}
 * rule, or, without one, {@code anyMethod().authenticated()}. Server reflection has no rule of its
 * own: it falls under {@code anyMethod()}, so it needs authentication by default; open it with
 * {@code service("grpc.reflection.v1.ServerReflection").permitAll()}. Without any
 * {@code TripleSecurity} bean, every call but health needs authentication.
 * <p>
 * A method is named {@code package.Service/Method}, a service {@code package.Service} (or
 * {@code package.Service/*}). Names are checked against the services the server serves at
 * start-up. Immutable and thread-safe once built.
 */
public final class TripleSecurity {

	/** The gRPC health service, open by a built-in rule unless a rule names it. */
	public static final String HEALTH_SERVICE = "grpc.health.v1.Health";

	/** Services the server may serve besides the application's, which rules may always name. */
	static final Set<String> INFRASTRUCTURE_SERVICES = Set.of(HEALTH_SERVICE, "grpc.reflection.v1.ServerReflection",
			"grpc.reflection.v1alpha.ServerReflection");

	private static final String ANY = "*";

	private final List<Rule> rules;

	private TripleSecurity(List<Rule> rules) {
		this.rules = List.copyOf(rules);
	}

	public static Builder builder() {
		return new Builder();
	}

	/** The secure default: health open, every other call authenticated. */
	public static TripleSecurity defaults() {
		return builder().build();
	}

	/** The rules in matching order, the built-in ones included; the last matches every method. */
	public List<Rule> rules() {
		return this.rules;
	}

	/** The first rule matching {@code fullMethodName}; there always is one. */
	public Rule ruleFor(String fullMethodName) {
		for (Rule rule : this.rules) {
			if (rule.matches(fullMethodName)) {
				return rule;
			}
		}
		throw new IllegalStateException("No rule matches " + fullMethodName);
	}

	@Override
	public String toString() {
		return this.rules.stream().map(Rule::toString).collect(Collectors.joining(", ", "TripleSecurity[", "]"));
	}

	/**
	 * One rule: the methods it matches and the {@link AuthorizationManager} that decides their calls.
	 *
	 * @param pattern {@code package.Service/Method}, {@code package.Service/*}, or {@code *} for any
	 * @param requirement how the rule was written, such as {@code hasRole("ADMIN")}
	 * @param manager the decision
	 */
	public record Rule(String pattern, String requirement, AuthorizationManager<SecuredCall> manager) {

		public boolean matches(String fullMethodName) {
			if (ANY.equals(this.pattern)) {
				return true;
			}
			if (this.pattern.endsWith("/*")) {
				// A service name has no '/': the prefix "package.Service/" names the service.
				return fullMethodName.regionMatches(0, this.pattern, 0, this.pattern.length() - 1);
			}
			return this.pattern.equals(fullMethodName);
		}

		/** Whether the rule matches every method. */
		public boolean isAnyMethod() {
			return ANY.equals(this.pattern);
		}

		/** The service the rule names; null for {@code anyMethod()}. */
		String serviceName() {
			return isAnyMethod() ? null : this.pattern.substring(0, this.pattern.indexOf('/'));
		}

		@Override
		public String toString() {
			String target = isAnyMethod() ? "anyMethod()"
					: this.pattern.endsWith("/*") ? "service(\"" + serviceName() + "\")" : "method(\"" + this.pattern + "\")";
			return target + "." + this.requirement;
		}

	}

	/** Builds a {@link TripleSecurity}; not thread-safe, used once. */
	public static final class Builder {

		private final List<Rule> rules = new ArrayList<>();

		private Rule anyMethod;

		private Builder() {
		}

		/**
		 * A rule for one method, {@code package.Service/Method}, or for every method of a service,
		 * {@code package.Service/*}.
		 */
		public RuleStep method(String fullMethodName) {
			if (fullMethodName == null || fullMethodName.indexOf('/') <= 0
					|| fullMethodName.indexOf('/') != fullMethodName.lastIndexOf('/') || fullMethodName.endsWith("/")) {
				throw new IllegalArgumentException("\"" + fullMethodName
						+ "\" is not a full method name: write package.Service/Method, or package.Service/* for a service");
			}
			return new RuleStep(this, fullMethodName);
		}

		/** A rule for every method of a service, {@code package.Service}. */
		public RuleStep service(String serviceName) {
			if (serviceName == null || serviceName.isEmpty() || serviceName.indexOf('/') >= 0) {
				throw new IllegalArgumentException(
						"\"" + serviceName + "\" is not a full service name: write package.Service");
			}
			return new RuleStep(this, serviceName + "/*");
		}

		/** The rule for every method no other rule matches; the last rule. */
		public RuleStep anyMethod() {
			return new RuleStep(this, ANY);
		}

		private Builder add(Rule rule) {
			if (this.anyMethod != null) {
				throw new IllegalStateException(rule + " follows " + this.anyMethod + ", which matches every method first:"
						+ " write anyMethod() last, once");
			}
			if (rule.isAnyMethod()) {
				this.anyMethod = rule;
			}
			else {
				this.rules.add(rule);
			}
			return this;
		}

		public TripleSecurity build() {
			List<Rule> all = new ArrayList<>(this.rules);
			boolean healthNamed = this.rules.stream().anyMatch((rule) -> HEALTH_SERVICE.equals(rule.serviceName()));
			if (!healthNamed) {
				all.add(new Rule(HEALTH_SERVICE + "/*", "permitAll()", SingleResultAuthorizationManager.permitAll()));
			}
			all.add((this.anyMethod != null) ? this.anyMethod
					: new Rule(ANY, "authenticated()", AuthenticatedAuthorizationManager.authenticated()));
			return new TripleSecurity(all);
		}

	}

	/** The requirement of the rule being written. */
	public static final class RuleStep {

		private final Builder builder;

		private final String pattern;

		private RuleStep(Builder builder, String pattern) {
			this.builder = builder;
			this.pattern = pattern;
		}

		/** The caller has the role (the authority {@code ROLE_<role>}). */
		public Builder hasRole(String role) {
			return access("hasRole(\"" + role + "\")", AuthorityAuthorizationManager.hasRole(role));
		}

		public Builder hasAnyRole(String... roles) {
			return access("hasAnyRole(" + quoted(roles) + ")", AuthorityAuthorizationManager.hasAnyRole(roles));
		}

		public Builder hasAuthority(String authority) {
			return access("hasAuthority(\"" + authority + "\")", AuthorityAuthorizationManager.hasAuthority(authority));
		}

		public Builder hasAnyAuthority(String... authorities) {
			return access("hasAnyAuthority(" + quoted(authorities) + ")",
					AuthorityAuthorizationManager.hasAnyAuthority(authorities));
		}

		/** Any authenticated caller (not an anonymous one). */
		public Builder authenticated() {
			return access("authenticated()", AuthenticatedAuthorizationManager.authenticated());
		}

		/** Every caller, anonymous ones included; credentials presented must still be valid. */
		public Builder permitAll() {
			return access("permitAll()", SingleResultAuthorizationManager.permitAll());
		}

		/** No caller. */
		public Builder denyAll() {
			return access("denyAll()", SingleResultAuthorizationManager.denyAll());
		}

		/** Decided by {@code manager}; a null result (abstaining) denies the call. */
		public Builder access(AuthorizationManager<SecuredCall> manager) {
			return access("access(" + manager + ")", manager);
		}

		private Builder access(String requirement, AuthorizationManager<SecuredCall> manager) {
			if (manager == null) {
				throw new IllegalArgumentException("The authorization manager must not be null");
			}
			return this.builder.add(new Rule(this.pattern, requirement, manager));
		}

		private static String quoted(String[] values) {
			return Arrays.stream(values).map((value) -> "\"" + value + "\"").collect(Collectors.joining(", "));
		}

	}

}
