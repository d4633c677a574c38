package dev.tether.node.gpu;

/** A process that has one of a device's nodes open. */
public record Holder(int pid, String command, String node) {
    @Override
    public String toString() {
        return "pid " + pid + " (" + command + ") holds " + node;
    }
}
