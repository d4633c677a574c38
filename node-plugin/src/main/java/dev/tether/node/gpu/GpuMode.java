package dev.tether.node.gpu;

/** A declared mode: {@code vfio} (bound to vfio-pci for passthrough), {@code host} (host driver), {@code none} (leave alone). */
public enum GpuMode {
    NONE("none"), HOST("host"), VFIO("vfio");

    private final String label;

    GpuMode(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
