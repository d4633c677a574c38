package dev.tether.node.gpu;

/** The two transitions; the names are the {@code op} label of {@code tether_gpu_bind_operations_total}. */
public enum Operation {
    BIND("bind"), UNBIND("unbind"), RECOVER("recover");

    private final String label;

    Operation(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    public static Operation parse(String label) {
        for (Operation op : values()) {
            if (op.label.equals(label)) {
                return op;
            }
        }
        throw new IllegalArgumentException("unknown operation '" + label + "'");
    }
}
