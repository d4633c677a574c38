package dev.tether.node.volume;

/**
 * The volume_context keys the controller sends with NodeStageVolume. Same values as the controller's
 * {@code VolumeContextKeys} (docs/backend.md is the contract); the modules never import each other.
 */
public final class VolumeContextKeys {
    public static final String NQN = "nqn";
    public static final String TRANSPORT = "transport";
    public static final String TRANSPORT_ADDRESS = "transportAddress";
    public static final String TRANSPORT_PORT = "transportPort";
    public static final String NSID = "nsid";
    public static final String CTRL_LOSS_TMO = "ctrlLossTmo";
    public static final String RECONNECT_DELAY = "reconnectDelay";
    public static final String KEEP_ALIVE_TMO = "keepAliveTmo";
    public static final String FAST_IO_FAIL_TMO = "fastIoFailTmo";
    public static final String FS_TYPE = "fsType";

    private VolumeContextKeys() {
    }
}
