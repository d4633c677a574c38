package dev.tether.node.nvme;

import dev.tether.driver.error.UnavailableException;
import dev.tether.driver.model.Nqn;
import dev.tether.driver.sys.CommandResult;
import dev.tether.driver.sys.CommandRunner;
import dev.tether.node.identity.HostIdentity;
import dev.tether.node.sys.Ticker;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Connects this host to a volume's subsystem and disconnects it again. Connect is idempotent: a live controller for
 * the same subsystem, address and host NQN is reused, one that is connecting or resetting is waited for, and
 * "already connected" (EALREADY) means "find the existing one". After connect, fast_io_fail_tmo is written to the
 * controller's sysfs attribute (nvme-cli 2.3 has no flag) and read back, because fencing relies on it.
 */
public final class NvmeConnector {
    private static final Logger LOG = LoggerFactory.getLogger(NvmeConnector.class);
    static final Duration POLL = Duration.ofMillis(200);

    /** Bounds for one connect: the nvme command itself, and the whole wait for a live controller. */
    public record Limits(Duration command, Duration settle) {
    }

    private final NvmeSysfs nvme;
    private final CommandRunner commands;
    private final HostIdentity host;
    private final Ticker ticker;
    private final NvmeMetrics metrics;
    private final Limits limits;

    public NvmeConnector(NvmeSysfs nvme, CommandRunner commands, HostIdentity host, Ticker ticker, NvmeMetrics metrics,
            Limits limits) {
        this.nvme = nvme;
        this.commands = commands;
        this.host = host;
        this.ticker = ticker;
        this.metrics = metrics;
        this.limits = limits;
    }

    public Nqn hostNqn() {
        return host.hostNqn();
    }

    /** Whether this host already has a controller (any state) for the target. */
    public boolean controllerExists(NvmeTarget target) {
        return nvme.controllerFor(target, host.hostNqn()).isPresent();
    }

    /** Returns a live controller for the target, connecting if there is none. */
    public NvmeController connect(NvmeTarget target) {
        Instant deadline = ticker.now().plus(limits.settle());
        boolean attempted = false;
        boolean created = false;
        while (true) {
            Optional<NvmeController> found = nvme.controllerFor(target, host.hostNqn());
            if (found.isPresent() && found.get().live()) {
                NvmeController controller = found.get();
                try {
                    applyFastIoFail(controller, target.timeouts().fastIoFailTmo());
                } catch (RuntimeException e) {
                    if (created) {
                        rollback(target.subsystem(), e);
                    }
                    throw e;
                }
                return controller;
            }
            boolean mayConnect = found.isEmpty() && !attempted;
            if (mayConnect) {
                attempted = true;
                created = runConnect(target);
                continue;
            }
            if (!ticker.now().isBefore(deadline)) {
                String why = found.map(c -> "controller " + c.name() + " is " + c.state())
                        .orElse("no controller appeared");
                throw new UnavailableException("NVMe/TCP connect to " + target.subsystem() + " at " + target.address()
                        + ":" + target.port() + " not live after " + limits.settle().toSeconds() + " s: " + why);
            }
            ticker.sleep(POLL);
        }
    }

    /**
     * The namespace's block device, waiting (bounded) for the kernel to scan it after the controller went live. The
     * name may differ from the last one this volume had: a subsystem that came back gets a new instance number.
     */
    public String resolveDevice(NvmeTarget target) {
        Instant deadline = ticker.now().plus(limits.settle());
        while (true) {
            Optional<String> device = nvme.namespaceDevice(target.subsystem(), target.nsid());
            if (device.isPresent()) {
                return device.get();
            }
            if (!ticker.now().isBefore(deadline)) {
                throw new UnavailableException("namespace " + target.nsid() + " of " + target.subsystem()
                        + " has no block device after " + limits.settle().toSeconds() + " s");
            }
            ticker.sleep(POLL);
        }
    }

    /** True when a new controller was created, false when one already existed (EALREADY). */
    private boolean runConnect(NvmeTarget target) {
        NvmeTimeouts t = target.timeouts();
        List<String> argv = List.of("nvme", "connect", "-t", "tcp", "-a", target.address(), "-s", String.valueOf(target.port()),
                "-n", target.subsystem().value(), "--hostnqn", host.hostNqn().value(), "--hostid", host.hostId(),
                "--ctrl-loss-tmo", String.valueOf(t.ctrlLossTmo()), "--reconnect-delay", String.valueOf(t.reconnectDelay()),
                "--keep-alive-tmo", String.valueOf(t.keepAliveTmo()));
        CommandResult result;
        try {
            result = commands.run(argv, limits.command());
        } catch (RuntimeException e) {
            metrics.connect("error");
            throw e;
        }
        if (result.ok()) {
            metrics.connect("ok");
            LOG.info("connected to {} at {}:{}", target.subsystem(), target.address(), target.port());
            return true;
        }
        if (alreadyConnected(result)) {
            metrics.connect("already");
            LOG.info("{} at {}:{} was already connected; using the existing controller", target.subsystem(),
                    target.address(), target.port());
            return false;
        }
        metrics.connect("error");
        throw new UnavailableException("NVMe/TCP connect to " + target.subsystem() + " at " + target.address() + ":"
                + target.port() + " failed: " + result.summary() + " (is this host granted? is the target up?)");
    }

    private static boolean alreadyConnected(CommandResult result) {
        String text = (result.stderr() + "\n" + result.stdout()).toLowerCase(Locale.ROOT);
        return text.contains("already connected") || text.contains("operation already in progress");
    }

    private void applyFastIoFail(NvmeController controller, int seconds) {
        String attribute = NvmeSysfs.CONTROLLERS + "/" + controller.name() + "/fast_io_fail_tmo";
        String wanted = String.valueOf(seconds);
        if (nvme.sysfs().read(attribute).filter(wanted::equals).isPresent()) {
            return;
        }
        nvme.sysfs().write(attribute, wanted, limits.command());
        String now = nvme.sysfs().read(attribute).orElse("(missing)");
        if (!wanted.equals(now)) {
            throw new UnavailableException("fast_io_fail_tmo of " + controller.name() + " reads '" + now + "' after writing "
                    + wanted + "; refusing to use a path whose queued I/O could outlive a fence");
        }
    }

    private void rollback(Nqn subsystem, RuntimeException cause) {
        try {
            disconnect(subsystem);
        } catch (RuntimeException e) {
            cause.addSuppressed(e);
        }
    }

    /**
     * Disconnects every controller of a Tether-owned subsystem and waits until they are gone. Callers check that no
     * other staged volume uses the subsystem. A foreign NQN is never touched: returns false.
     */
    public boolean disconnect(Nqn subsystem) {
        if (!NvmeTarget.owned(subsystem)) {
            LOG.warn("not disconnecting {}: Tether does not own it", subsystem);
            return false;
        }
        if (nvme.controllers(subsystem).isEmpty()) {
            return true;
        }
        CommandResult result = commands.run(List.of("nvme", "disconnect", "-n", subsystem.value()), limits.command());
        Instant deadline = ticker.now().plus(limits.settle());
        while (!nvme.controllers(subsystem).isEmpty()) {
            if (!ticker.now().isBefore(deadline)) {
                throw new UnavailableException("controllers of " + subsystem + " still present after nvme disconnect ("
                        + result.summary() + ")");
            }
            ticker.sleep(POLL);
        }
        LOG.info("disconnected {}", subsystem);
        return true;
    }
}
