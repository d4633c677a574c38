package dev.tether.controller.backend.nvmet;

import dev.tether.controller.backend.host.TargetHost;
import dev.tether.driver.sys.CommandResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Target-side TCP connections of one volume's port, seen and cut with iproute2 {@code ss}. Each volume listens on its
 * own port, so "the connections to port P" are exactly the hosts connected to that volume: the 6.1 kernel gives no way
 * to map a host NQN to its sockets (no nvmet debugfs, and the connect log line has no address), which is why the
 * port, not the host address, is the unit of a cut.
 */
final class Connections {
    /** A TCP connection as the target sees it: its end and the host's end ("addr:port"). */
    record Connection(String local, String peer) {
    }

    /** How a cut went: connections that were there, and how they were removed. */
    record Cut(int connections, String mechanism) {
    }

    private final TargetHost target;
    private final NvmetConfigfs configfs;
    private final Duration timeout;

    Connections(TargetHost target, NvmetConfigfs configfs, Duration timeout) {
        this.target = target;
        this.configfs = configfs;
        this.timeout = timeout;
    }

    private static List<String> filter(int port) {
        return List.of("state", "established", "(", "sport", "=", ":" + port, ")");
    }

    Set<Connection> established(int port) {
        List<String> argv = new ArrayList<>(List.of("ss", "-H", "-t", "-n"));
        argv.addAll(filter(port));
        CommandResult result = target.run(argv, timeout);
        if (!result.ok()) {
            throw new UncheckedIOException(new IOException("cannot list connections: " + result.summary()));
        }
        Set<Connection> connections = new HashSet<>();
        for (String line : result.stdout().lines().toList()) {
            String[] fields = line.trim().split("\\s+");
            if (fields.length >= 2) {
                connections.add(new Connection(fields[fields.length - 2], fields[fields.length - 1]));
            }
        }
        return connections;
    }

    /**
     * Cuts every connection to the volume's port and proves none of them is left. First {@code ss -K} (needs the
     * kernel's sock_destroy and the tcp_diag module; the listener stays up); if any connection survives, the subsystem
     * is unlinked from its port and linked again, which makes the kernel delete every controller on that port. Hosts
     * still allowed reconnect after their reconnect_delay; the revoked one is refused at connect.
     *
     * @throws UncheckedIOException when connections survive both
     */
    Cut cutAll(String nqn, int port) {
        Set<Connection> before = established(port);
        if (before.isEmpty()) {
            return new Cut(0, "none: no live connection");
        }
        List<String> kill = new ArrayList<>(List.of("ss", "-K", "-H", "-t", "-n"));
        kill.addAll(filter(port));
        target.run(kill, timeout);
        if (survivors(before, port).isEmpty()) {
            return new Cut(before.size(), "ss -K");
        }
        configfs.relink(nqn, port);
        Set<Connection> left = awaitGone(before, port);
        if (left.isEmpty()) {
            return new Cut(before.size(), "port relink (ss -K left connections: no tcp_diag or sock_destroy)");
        }
        throw new UncheckedIOException(new IOException("connections " + left + " to port " + port + " of " + nqn
                + " survived ss -K and a port relink"));
    }

    /** Connections present before the cut that are still there; a new 4-tuple is a reconnect of an allowed host. */
    private Set<Connection> survivors(Set<Connection> before, int port) {
        Set<Connection> left = new HashSet<>(established(port));
        left.retainAll(before);
        return left;
    }

    /** The kernel tears controllers down asynchronously after a relink: look a few times before calling it failed. */
    private Set<Connection> awaitGone(Set<Connection> before, int port) {
        Set<Connection> left = survivors(before, port);
        for (int attempt = 0; attempt < 20 && !left.isEmpty(); attempt++) {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            left = survivors(before, port);
        }
        return left;
    }
}
