package dev.tether.driver.model;

/**
 * Keys of the volume_context the controller hands to the node (NodeStageVolume) and of the StorageClass parameters
 * that feed it: the wire contract between the two apps, kept here so both read the same names (docs/backend.md).
 */
public final class VolumeContextKeys {
    /** Subsystem NQN to connect to ({@code nqn.2026-01.dev.tether:<volume-id>}). */
    public static final String NQN = "nqn";
    /** Always {@code tcp}. */
    public static final String TRANSPORT = "transport";
    /** Address the target listens on for this volume. StorageClass parameter too (one of the target's addresses). */
    public static final String TRANSPORT_ADDRESS = "transportAddress";
    /** TCP port the target listens on for this volume (one port per volume: see docs/backend.md, fencing). */
    public static final String TRANSPORT_PORT = "transportPort";
    /** Namespace id of the volume inside its subsystem: always 1. */
    public static final String NSID = "nsid";
    /** Seconds; -1 retries forever. nvme connect --ctrl-loss-tmo. */
    public static final String CTRL_LOSS_TMO = "ctrlLossTmo";
    /** Seconds between reconnect attempts. nvme connect --reconnect-delay. */
    public static final String RECONNECT_DELAY = "reconnectDelay";
    /** Seconds. nvme connect --keep-alive-tmo. */
    public static final String KEEP_ALIVE_TMO = "keepAliveTmo";
    /** Seconds after a path loss when queued and new I/O fail instead of waiting; bounds the fence window. */
    public static final String FAST_IO_FAIL_TMO = "fastIoFailTmo";
    /** File system for mount volumes ({@code ext4}, {@code xfs}). */
    public static final String FS_TYPE = "fsType";
    /**
     * The claim the volume was provisioned for, copied by the controller from the external-provisioner's
     * {@code --extra-create-metadata} parameters so the node plugin can post its events (NvmePathLost, NvmeReconnected)
     * on the PVC. Absent for static PVs and volumes created without that flag: the node then only logs them.
     */
    public static final String PVC_NAME = "pvcName";
    /** Namespace of {@link #PVC_NAME}. */
    public static final String PVC_NAMESPACE = "pvcNamespace";
    /** Name of the PersistentVolume the provisioner creates for the volume. */
    public static final String PV_NAME = "pvName";

    private VolumeContextKeys() {
    }
}
