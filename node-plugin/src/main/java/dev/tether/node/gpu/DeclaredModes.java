package dev.tether.node.gpu;

import java.util.Map;

/**
 * The declared mode of each device on this node: the annotation {@code tether.csi.dev/gpu-mode.<address>} wins, then
 * the node label {@code tether.csi.dev/gpu-mode}, then the chart's default. A value Tether does not know is an
 * error naming where it came from, never a silent default.
 */
public record DeclaredModes(GpuMode nodeMode, Map<String, String> annotations, String nodeModeSource) {
    public static final String LABEL = "tether.csi.dev/gpu-mode";
    public static final String ANNOTATION_PREFIX = "tether.csi.dev/gpu-mode.";

    public static DeclaredModes from(Map<String, String> labels, Map<String, String> annotations, GpuMode fallback) {
        String label = labels == null ? null : labels.get(LABEL);
        GpuMode nodeMode = label == null ? fallback : parseMode(label, "node label " + LABEL);
        return new DeclaredModes(nodeMode, annotations == null ? Map.of() : Map.copyOf(annotations),
                label == null ? "default" : "label");
    }

    public GpuMode modeOf(PciAddress address) {
        String value = annotations.get(ANNOTATION_PREFIX + address.value());
        return value == null ? nodeMode : parseMode(value, "node annotation " + ANNOTATION_PREFIX + address.value());
    }

    public static GpuMode parseMode(String value, String source) {
        for (GpuMode m : GpuMode.values()) {
            if (m.label().equals(value == null ? "" : value.strip())) {
                return m;
            }
        }
        throw new IllegalArgumentException(source + ": '" + value + "' is not a GPU mode (none, host or vfio)");
    }
}
