package io.tributary.agent.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;

/**
 * The agent's own health as {@code jvm_*} and {@code process_*} meters: memory, threads, CPU,
 * garbage collection, uptime, loaded classes, and open files, which a tailer holding many files
 * open runs out of first (the service sets {@code LimitNOFILE=65536}). docs/operations.md lists them
 * beside the alerts worth having on them.
 */
public final class JvmMetrics {

    private JvmMetrics() {
    }

    /**
     * Binds them to {@code registry}. The garbage collection binder listens to the JVM's
     * notifications for as long as the JVM runs, which is as long as the agent does.
     */
    @SuppressWarnings("resource")
    public static void bindTo(MeterRegistry registry) {
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
    }
}
