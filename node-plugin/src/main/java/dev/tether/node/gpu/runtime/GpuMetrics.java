package dev.tether.node.gpu.runtime;

import dev.tether.node.gpu.Outcome;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.util.List;
import java.util.Map;

/**
 * {@code tether_gpu_bind_operations_total{op,result}} and {@code tether_gpu_devices{mode,driver}} (managed functions
 * by declared mode and current driver, refreshed after every reconcile).
 */
public final class GpuMetrics {
    private final MeterRegistry registry;
    private final MultiGauge devices;

    public GpuMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.devices = MultiGauge.builder("tether_gpu_devices")
                .description("Managed PCI functions by declared mode and current driver").register(registry);
    }

    public void count(Outcome outcome) {
        Counter.builder("tether_gpu_bind_operations_total")
                .description("GPU transitions by operation and result (only success/repaired/noop were verified)")
                .tag("op", outcome.op().label()).tag("result", outcome.result().label())
                .register(registry).increment();
    }

    /** {@code counts}: (mode, driver) -> number of functions. */
    public void devices(Map<List<String>, Integer> counts) {
        devices.register(counts.entrySet().stream()
                .map(e -> MultiGauge.Row.of(Tags.of("mode", e.getKey().get(0), "driver", e.getKey().get(1)), e.getValue()))
                .toList(), true);
    }
}
