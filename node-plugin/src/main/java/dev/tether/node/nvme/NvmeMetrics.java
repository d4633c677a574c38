package dev.tether.node.nvme;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** The node's NVMe metrics (DESIGN §7): connects by result, supervisor reconnects, staged volumes by controller state. */
public final class NvmeMetrics {
    /** The states the gauge always reports (0 when none), so a dashboard sees a flat line rather than no data. */
    public static final java.util.List<String> STATES = java.util.List.of("live", "connecting", "resetting", "missing", "other");

    private final MeterRegistry registry;
    private final Map<String, AtomicInteger> states = new ConcurrentHashMap<>();
    private final Counter reconnects;

    public NvmeMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.reconnects = Counter.builder("tether_nvme_reconnects").description("controllers the supervisor brought back")
                .register(registry);
        for (String state : STATES) {
            AtomicInteger value = new AtomicInteger();
            states.put(state, value);
            Gauge.builder("tether_nvme_controller_state", value, AtomicInteger::get)
                    .description("staged volumes by the state of their NVMe controller").tag("state", state).register(registry);
        }
    }

    /** result: ok, already (EALREADY, the existing controller was used), error. */
    public void connect(String result) {
        Counter.builder("tether_nvme_connects").description("nvme connect attempts by result").tag("result", result)
                .register(registry).increment();
    }

    public void reconnected() {
        reconnects.increment();
    }

    /** Replaces the per-state counts after a supervisor pass. */
    public void states(Map<String, Integer> counts) {
        for (String state : STATES) {
            states.get(state).set(counts.getOrDefault(state, 0));
        }
    }
}
