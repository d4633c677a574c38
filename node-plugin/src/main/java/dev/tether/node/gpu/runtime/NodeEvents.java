package dev.tether.node.gpu.runtime;

/** Events on this Node (GpuBound, GpuReturnedToHost, GpuBindFailed). Best-effort: posting never throws. */
public interface NodeEvents {
    String NORMAL = "Normal";
    String WARNING = "Warning";

    void post(String type, String reason, String message);
}
