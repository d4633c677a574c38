package dev.tether.controller.doctor;

import dev.tether.controller.backend.BackendOptions;
import java.net.URI;
import java.nio.file.Path;

/**
 * The nvmet backend configuration the doctor checks: local (configfs and backing dir on this host) or ssh (a remote
 * storage node reached with a pinned host key).
 */
public record NvmetSettings(Mode mode, String configfsDir, String backingDir, long minFreeBytes,
                            String sshHost, int sshPort, Path sshKeyFile, Path knownHostsFile) {

    static final String CONFIGFS = "/sys/kernel/config/nvmet";

    public enum Mode { local, ssh }

    /**
     * Reads the controller's flags leniently: a target the controller would refuse (no host) still yields settings,
     * so the doctor can say what is missing instead of stopping at the first parse error.
     */
    static NvmetSettings from(BackendOptions options, long minFreeBytes) {
        Path key = Path.of(options.sshKey);
        Path knownHosts = Path.of(options.sshKnownHosts);
        if ("local".equals(options.target)) {
            return new NvmetSettings(Mode.local, CONFIGFS, options.backingDir, minFreeBytes, "", 22, key, knownHosts);
        }
        String host = "";
        int port = 22;
        try {
            URI uri = URI.create(options.target);
            host = uri.getHost() == null ? "" : uri.getHost();
            port = uri.getPort() < 0 ? 22 : uri.getPort();
        } catch (IllegalArgumentException notAUri) {
            // host stays empty: the reachability and host-key checks report it.
        }
        return new NvmetSettings(Mode.ssh, CONFIGFS, options.backingDir, minFreeBytes, host, port, key, knownHosts);
    }
}
