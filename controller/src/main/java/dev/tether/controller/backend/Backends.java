package dev.tether.controller.backend;

import dev.tether.controller.backend.nvmet.NvmetBackend;
import dev.tether.controller.backend.nvmet.NvmetSettings;
import dev.tether.controller.backend.nvmet.OrphanReport;
import dev.tether.controller.backend.host.LocalTargetHost;
import dev.tether.controller.backend.host.TargetHost;
import dev.tether.controller.backend.host.ssh.SshTarget;
import dev.tether.controller.backend.host.ssh.SshTargetHost;
import dev.tether.driver.sys.ProcessCommandRunner;
import dev.tether.driver.sys.Sysfs;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** Builds the backend the flags ask for. Bad flag values fail with an IllegalArgumentException naming the flag. */
public final class Backends {
    private Backends() {
    }

    public static StorageBackend create(BackendOptions options, MeterRegistry registry) {
        return switch (options.kind) {
            case fake -> new FakeBackend(options.fakeCapacity, Clock.systemUTC());
            case nvmet -> nvmet(options, registry);
        };
    }

    private static StorageBackend nvmet(BackendOptions options, MeterRegistry registry) {
        NvmetSettings settings = settings(options);
        TargetHost target = "local".equals(options.target)
                ? new LocalTargetHost(Sysfs.host(), new ProcessCommandRunner(), options.commandTimeout)
                : new SshTargetHost(sshTarget(options), options.commandTimeout);
        NvmetBackend backend = new NvmetBackend(target, settings, Clock.systemUTC(), registry);
        OrphanReport orphans = new OrphanReport(backend, Clock.systemUTC(), registry);
        if (!options.orphanCheckInterval.isZero()) {
            ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(
                    Thread.ofPlatform().daemon().name("orphan-check").factory());
            scheduler.scheduleWithFixedDelay(orphans, 30_000, options.orphanCheckInterval.toMillis(), TimeUnit.MILLISECONDS);
        }
        return backend;
    }

    static NvmetSettings settings(BackendOptions options) {
        List<String> addresses = options.addresses == null ? List.of()
                : options.addresses.stream().map(String::strip).filter(a -> !a.isEmpty()).toList();
        if (addresses.isEmpty()) {
            throw new IllegalArgumentException("--nvmet-address is required with --backend nvmet: the address(es) nodes connect to");
        }
        String[] range = options.ports.split("-", 2);
        int first;
        int last;
        try {
            first = Integer.parseInt(range[0].strip());
            last = range.length == 2 ? Integer.parseInt(range[1].strip()) : first;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--nvmet-ports '" + options.ports + "' is not FIRST-LAST");
        }
        try {
            return new NvmetSettings(options.backingDir, addresses, first, last, options.bufferedIo, options.commandTimeout,
                    options.copyTimeout, options.fenceMargin);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--nvmet-*: " + e.getMessage(), e);
        }
    }

    private static SshTarget sshTarget(BackendOptions options) {
        try {
            return SshTarget.parse(options.target, Path.of(options.sshKey), Path.of(options.sshKnownHosts), options.sshConnectTimeout);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--nvmet-target: " + e.getMessage(), e);
        }
    }
}
