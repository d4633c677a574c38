package dev.tether.node.nvme;

import dev.tether.driver.model.Nqn;

/** Where a volume lives: subsystem NQN, the TCP address and port that export it, its namespace id, and timeouts. */
public record NvmeTarget(Nqn subsystem, String address, int port, int nsid, NvmeTimeouts timeouts) {
    public NvmeTarget {
        if (address == null || address.isBlank()) {
            throw new IllegalArgumentException("transport address is empty");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("transport port " + port + " is not 1-65535");
        }
        if (nsid < 1) {
            throw new IllegalArgumentException("nsid " + nsid + " must be positive");
        }
    }

    /** Tether's own subsystems; anything else on the host (an NVMe-oF root disk, say) is never disconnected. */
    public static final String OWNED_PREFIX = "nqn.2026-01.dev.tether:";

    public static boolean owned(Nqn nqn) {
        return nqn.value().startsWith(OWNED_PREFIX);
    }
}
