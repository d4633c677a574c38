package dev.tether.controller.backend.nvmet;

import java.time.Duration;
import java.util.List;

/**
 * How the nvmet backend is set up: where backing files live on the target, which addresses and port range it exports
 * on, and its timeouts. {@code fenceMargin} is added to a volume's queued-I/O horizon to give the fence window.
 */
public record NvmetSettings(String backingDir, List<String> addresses, int firstPort, int lastPort, boolean bufferedIo,
        Duration commandTimeout, Duration copyTimeout, Duration fenceMargin) {

    public NvmetSettings {
        if (!backingDir.startsWith("/") || backingDir.length() < 2) {
            throw new IllegalArgumentException("backing dir '" + backingDir + "' must be an absolute path other than /");
        }
        backingDir = backingDir.endsWith("/") ? backingDir.substring(0, backingDir.length() - 1) : backingDir;
        if (addresses.isEmpty()) {
            throw new IllegalArgumentException("the nvmet backend needs at least one address to export volumes on");
        }
        addresses = List.copyOf(addresses);
        if (firstPort < 1 || lastPort > 65535 || firstPort > lastPort) {
            throw new IllegalArgumentException("port range " + firstPort + "-" + lastPort + " is not within 1-65535");
        }
    }

    String volumesDir() {
        return backingDir + "/volumes";
    }

    String snapshotsDir() {
        return backingDir + "/snapshots";
    }
}
