package dev.tether.node.gpu;

/** One planned write, printed by the dry run exactly as it will be made. */
public record SysfsWrite(String path, String value) {
    /** {@code driver_override} is cleared by writing a newline. */
    public static final String CLEAR = "\n";

    @Override
    public String toString() {
        return "write " + (CLEAR.equals(value) ? "'\\n'" : "'" + value + "'") + " > " + path;
    }
}
