package dev.triplestream.faults;

import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;

import io.grpc.netty.shaded.io.netty.util.internal.PlatformDependent;

/**
 * What this JVM holds at one moment: live threads, heap in use right after a full GC, and direct
 * memory, both the JDK's direct buffers and the memory Netty allocates outside them.
 *
 * @param threads live threads
 * @param heapAfterGc heap bytes in use after {@link System#gc()}
 * @param directBuffers bytes of the JDK's direct buffers
 * @param nettyDirect bytes of direct memory Netty (grpc-java's shaded copy) allocated itself
 */
record JvmFigures(int threads, long heapAfterGc, long directBuffers, long nettyDirect) {

	/** Takes the figures, after a full GC. */
	static JvmFigures now() {
		System.gc();
		System.gc();
		long direct = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)
			.stream()
			.filter((pool) -> pool.getName().equals("direct"))
			.mapToLong(BufferPoolMXBean::getMemoryUsed)
			.sum();
		return new JvmFigures(ManagementFactory.getThreadMXBean().getThreadCount(),
				ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed(), direct,
				Math.max(0, PlatformDependent.usedDirectMemory()));
	}

	@Override
	public String toString() {
		return String.format("threads %d, heap after GC %.1f MB, direct buffers %.1f MB, netty direct %.1f MB", this.threads,
				mb(this.heapAfterGc), mb(this.directBuffers), mb(this.nettyDirect));
	}

	static double mb(long bytes) {
		return bytes / (1024.0 * 1024.0);
	}

}
