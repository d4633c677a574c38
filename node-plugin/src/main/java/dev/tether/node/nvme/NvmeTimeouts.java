package dev.tether.node.nvme;

/**
 * Per-volume NVMe/TCP timeouts in seconds, from the volume_context (StorageClass). ctrlLossTmo -1 retries forever;
 * fastIoFailTmo is never off because it bounds how long writes queued on a cut path can wait (DESIGN §5 fencing).
 */
public record NvmeTimeouts(int ctrlLossTmo, int reconnectDelay, int keepAliveTmo, int fastIoFailTmo) {
    public static final NvmeTimeouts DEFAULTS = new NvmeTimeouts(600, 2, 5, 5);

    public NvmeTimeouts {
        if (ctrlLossTmo < -1 || ctrlLossTmo == 0) {
            throw new IllegalArgumentException("ctrlLossTmo " + ctrlLossTmo + " must be -1 or positive");
        }
        if (reconnectDelay < 1 || keepAliveTmo < 1) {
            throw new IllegalArgumentException("reconnectDelay and keepAliveTmo must be at least 1");
        }
        if (fastIoFailTmo < 0) {
            throw new IllegalArgumentException("fastIoFailTmo " + fastIoFailTmo + " must not be negative (off is unsafe)");
        }
    }
}
