package dev.triplestream.benchmarks;

import java.lang.management.CompilationMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.Locale;

/**
 * What the JVM itself did: garbage collections and just-in-time compilation, as cumulative
 * counters. The difference of two snapshots says whether a measurement round shared its time with
 * a collection or with the compiler, the usual suspects when one round is much slower than the
 * next.
 *
 * @param collections garbage collections so far, all collectors
 * @param collectionMillis their accumulated elapsed time
 * @param compilationMillis accumulated compilation time, or -1 where the JVM does not say
 */
record JvmActivity(long collections, long collectionMillis, long compilationMillis) {

	static JvmActivity now() {
		long collections = 0;
		long collectionMillis = 0;
		for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
			collections += Math.max(0, collector.getCollectionCount());
			collectionMillis += Math.max(0, collector.getCollectionTime());
		}
		CompilationMXBean compiler = ManagementFactory.getCompilationMXBean();
		long compilationMillis = (compiler != null && compiler.isCompilationTimeMonitoringSupported())
				? compiler.getTotalCompilationTime() : -1;
		return new JvmActivity(collections, collectionMillis, compilationMillis);
	}

	/** What happened between {@code earlier} and this snapshot. */
	JvmActivity since(JvmActivity earlier) {
		return new JvmActivity(this.collections - earlier.collections,
				this.collectionMillis - earlier.collectionMillis,
				(this.compilationMillis < 0) ? -1 : this.compilationMillis - earlier.compilationMillis);
	}

	/** Such as {@code gc 2/7ms jit 15ms}. */
	String describe() {
		return String.format(Locale.ROOT, "gc %d/%dms jit %dms", this.collections, this.collectionMillis,
				this.compilationMillis);
	}

}
