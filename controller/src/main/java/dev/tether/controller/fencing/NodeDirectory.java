package dev.tether.controller.fencing;

/** Whether a Kubernetes node exists; standalone, every well-formed node id does. */
public interface NodeDirectory {
    /** True when the Node object exists; throws {@code UnavailableException} when the API cannot tell. */
    boolean exists(String nodeName);

    NodeDirectory ANY = nodeName -> true;
}
