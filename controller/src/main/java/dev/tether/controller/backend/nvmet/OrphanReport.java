package dev.tether.controller.backend.nvmet;

import dev.tether.controller.backend.host.TargetHost;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds what is on the target without a finished volume behind it — a Tether subsystem or backing file with no record,
 * a create or delete that stopped half-way and was not retried, a port of ours with nothing linked — and reports it as
 * {@code tether_backend_orphans} and one log line each. It never deletes anything: data is removed only by DeleteVolume.
 */
public final class OrphanReport implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(OrphanReport.class);
    /** A create or delete younger than this is probably still running, not abandoned. */
    static final Duration IN_FLIGHT = Duration.ofMinutes(10);

    private final NvmetBackend backend;
    private final Clock clock;
    private final AtomicInteger orphans = new AtomicInteger();

    public OrphanReport(NvmetBackend backend, Clock clock, MeterRegistry registry) {
        this.backend = backend;
        this.clock = clock;
        Gauge.builder("tether_backend_orphans", orphans, AtomicInteger::get)
                .description("Objects on the storage target with no finished volume behind them (never deleted automatically)")
                .register(registry);
    }

    /** One line per orphan; also sets the gauge. */
    public List<String> find() {
        TargetHost target = backend.target();
        NvmetSettings settings = backend.settings();
        RecordStore records = new RecordStore(target, settings);
        NvmetConfigfs configfs = new NvmetConfigfs(target);
        List<String> found = new ArrayList<>();
        Set<String> ready = new HashSet<>();
        Set<String> recorded = new HashSet<>();
        Set<Integer> ports = new HashSet<>();
        for (VolumeRecord record : records.volumes()) {
            recorded.add(record.id().value());
            ports.add(record.port());
            if (record.state() == VolumeRecord.State.READY) {
                ready.add(record.id().value());
            } else if (record.createdAt().plus(IN_FLIGHT).isBefore(clock.instant())) {
                found.add("volume " + record.id() + " is stuck in state " + record.state() + " since " + record.createdAt()
                        + " (retry or finish with DeleteVolume)");
            }
        }
        for (String subsystem : configfs.subsystems()) {
            if (subsystem.startsWith(NvmetBackend.NQN_PREFIX) && !recorded.contains(subsystem.substring(NvmetBackend.NQN_PREFIX.length()))) {
                found.add("subsystem " + subsystem + " has no volume record");
            }
        }
        for (String image : records.imageFiles(settings.volumesDir())) {
            String id = image.substring(0, image.length() - ".img".length());
            if (!recorded.contains(id)) {
                found.add("backing file " + settings.volumesDir() + "/" + image + " has no volume record");
            }
        }
        for (String portId : configfs.ports()) {
            try {
                int port = Integer.parseInt(portId);
                if (port >= settings.firstPort() && port <= settings.lastPort() && !ports.contains(port)) {
                    found.add("port " + port + " (in Tether's range) belongs to no volume");
                }
            } catch (NumberFormatException notOurs) {
                // Not a port id Tether creates.
            }
        }
        orphans.set(found.size());
        return found;
    }

    @Override
    public void run() {
        try {
            List<String> found = find();
            found.forEach(o -> LOG.warn("orphan on {}: {}", backend.target().describe(), o));
            LOG.info("orphan check on {}: {} orphan(s)", backend.target().describe(), found.size());
        } catch (RuntimeException e) {
            LOG.warn("orphan check on {} failed: {}", backend.target().describe(), e.getMessage());
        }
    }
}
