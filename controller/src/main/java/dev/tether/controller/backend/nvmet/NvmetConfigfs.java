package dev.tether.controller.backend.nvmet;

import dev.tether.controller.backend.host.TargetHost;
import dev.tether.driver.model.Nqn;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The kernel target's configfs tree ({@code /sys/kernel/config/nvmet}, DESIGN.md §5), one idempotent step at a time:
 * each method looks at what is there, changes only what differs, and reads back what it wrote. Rules of the real
 * kernel this relies on (checked on 6.1): a namespace needs device_path before enable, and device_path cannot change
 * while enabled; an allowed_hosts link needs hosts/NQN to exist; a subsystem cannot be removed while a port links it;
 * a port's address cannot change while it has subsystems; unlinking a subsystem from a port deletes the controllers
 * connected to it through that port.
 */
final class NvmetConfigfs {
    static final String ROOT = "/sys/kernel/config/nvmet";
    static final int NSID = 1;

    private final TargetHost target;

    NvmetConfigfs(TargetHost target) {
        this.target = target;
    }

    static String subsystem(String nqn) {
        return ROOT + "/subsystems/" + nqn;
    }

    static String namespace(String nqn) {
        return subsystem(nqn) + "/namespaces/" + NSID;
    }

    static String port(int port) {
        return ROOT + "/ports/" + port;
    }

    static String portLink(int port, String nqn) {
        return port(port) + "/subsystems/" + nqn;
    }

    static String host(Nqn host) {
        return ROOT + "/hosts/" + host.value();
    }

    static String allowed(String nqn, Nqn host) {
        return subsystem(nqn) + "/allowed_hosts/" + host.value();
    }

    boolean available() {
        return target.exists(ROOT);
    }

    List<String> subsystems() {
        return target.list(ROOT + "/subsystems");
    }

    List<String> ports() {
        return target.list(ROOT + "/ports");
    }

    List<String> portSubsystems(String portId) {
        return target.list(ROOT + "/ports/" + portId + "/subsystems");
    }

    Optional<String> portServiceId(String portId) {
        return target.read(ROOT + "/ports/" + portId + "/addr_trsvcid");
    }

    boolean subsystemExists(String nqn) {
        return target.exists(subsystem(nqn));
    }

    /** A subsystem that admits only hosts in its allowed_hosts. */
    void ensureSubsystem(String nqn) {
        if (!target.exists(subsystem(nqn))) {
            target.mkdir(subsystem(nqn));
        }
        setAttribute(subsystem(nqn) + "/attr_allow_any_host", "0");
    }

    /**
     * The namespace's UUID, fixed by its subsystem NQN. nvmet gives a new namespace a random one, and a host that
     * reconnects to a namespace whose identifiers changed drops it ("identifiers changed for nsid 1", seen in the lab
     * after a re-export): its block device goes away. A stable UUID lets a re-exported volume come back as the same disk.
     */
    static String namespaceUuid(String nqn) {
        return UUID.nameUUIDFromBytes(nqn.getBytes(StandardCharsets.UTF_8)).toString();
    }

    /** Namespace 1 backed by {@code file}, with its stable UUID, enabled. */
    void ensureNamespace(String nqn, String file, boolean bufferedIo) {
        String ns = namespace(nqn);
        if (!target.exists(ns)) {
            target.mkdir(ns);
        }
        if ("1".equals(target.read(ns + "/enable").orElse("0"))
                && file.equals(target.read(ns + "/device_path").orElse(""))) {
            return;
        }
        setAttribute(ns + "/enable", "0");
        setAttribute(ns + "/device_path", file);
        if (target.exists(ns + "/device_uuid")) {
            setAttribute(ns + "/device_uuid", namespaceUuid(nqn));
        }
        setAttribute(ns + "/buffered_io", bufferedIo ? "1" : "0");
        setAttribute(ns + "/enable", "1");
    }

    boolean namespaceEnabled(String nqn, String file) {
        return "1".equals(target.read(namespace(nqn) + "/enable").orElse("0"))
                && file.equals(target.read(namespace(nqn) + "/device_path").orElse(""));
    }

    /** Tells the target the backing file grew: it updates the namespace size and sends hosts a namespace-changed event. */
    void revalidateSize(String nqn) {
        String attribute = namespace(nqn) + "/revalidate_size";
        if (target.exists(attribute)) {
            target.writeAttribute(attribute, "1");
        }
    }

    /** A TCP port listening on address:port, with the subsystem linked to it (the link starts the listener). */
    void ensurePortLinked(String nqn, int port, String address) {
        String dir = port(port);
        if (!target.exists(dir)) {
            target.mkdir(dir);
        }
        if (!target.exists(portLink(port, nqn))) {
            // The address is writable only while the port has no subsystem: set it just before the first link.
            setAttribute(dir + "/addr_trtype", "tcp");
            setAttribute(dir + "/addr_adrfam", address.contains(":") ? "ipv6" : "ipv4");
            setAttribute(dir + "/addr_traddr", address);
            setAttribute(dir + "/addr_trsvcid", Integer.toString(port));
            target.symlink(portLink(port, nqn), subsystem(nqn));
        }
        if (!target.exists(portLink(port, nqn))) {
            throw new UncheckedIOException(new IOException("port " + port + " does not link " + nqn + " after linking it"));
        }
    }

    boolean portLinked(String nqn, int port) {
        return target.exists(portLink(port, nqn));
    }

    /** Unlinks and relinks the subsystem on its port: the kernel deletes every controller connected through it. */
    void relink(String nqn, int port) {
        target.remove(portLink(port, nqn));
        target.symlink(portLink(port, nqn), subsystem(nqn));
    }

    List<String> allowedHosts(String nqn) {
        return target.list(subsystem(nqn) + "/allowed_hosts");
    }

    void allow(String nqn, Nqn host) {
        if (!target.exists(host(host))) {
            target.mkdir(host(host));
        }
        if (!target.exists(allowed(nqn, host))) {
            target.symlink(allowed(nqn, host), host(host));
        }
        if (!allowedHosts(nqn).contains(host.value())) {
            throw new UncheckedIOException(new IOException(host + " is not in allowed_hosts of " + nqn + " after linking it"));
        }
    }

    void disallow(String nqn, Nqn host) {
        target.remove(allowed(nqn, host));
        if (allowedHosts(nqn).contains(host.value())) {
            throw new UncheckedIOException(new IOException(host + " is still in allowed_hosts of " + nqn + " after unlinking it"));
        }
    }

    /**
     * Removes the subsystem and everything under it, and the port if nothing else uses it. Order matters: ports first
     * (the kernel refuses to remove a linked subsystem, and unlinking drops the connections), then hosts, namespace.
     */
    void removeExport(String nqn, int port) {
        for (String portId : ports()) {
            if (portSubsystems(portId).contains(nqn)) {
                target.remove(ROOT + "/ports/" + portId + "/subsystems/" + nqn);
            }
        }
        removePortIfUnused(port);
        if (target.exists(subsystem(nqn))) {
            for (String host : allowedHosts(nqn)) {
                target.remove(subsystem(nqn) + "/allowed_hosts/" + host);
            }
            if (target.exists(namespace(nqn))) {
                setAttribute(namespace(nqn) + "/enable", "0");
                target.rmdir(namespace(nqn));
            }
            target.rmdir(subsystem(nqn));
        }
    }

    /** Removes a port directory that no subsystem uses any more (a port of ours that failed to listen, or a deleted volume's). */
    void removePortIfUnused(int port) {
        if (target.exists(port(port)) && portSubsystems(Integer.toString(port)).isEmpty()) {
            target.rmdir(port(port));
        }
    }

    private void setAttribute(String path, String value) {
        if (value.equals(target.read(path).orElse(null))) {
            return;
        }
        target.writeAttribute(path, value);
        String now = target.read(path).orElse("");
        if (!now.equals(value)) {
            throw new UncheckedIOException(new IOException(path + " reads '" + now + "' after writing '" + value + "'"));
        }
    }
}
