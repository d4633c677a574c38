package dev.tether.driver.model;

import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * A CSI node id as Tether writes it: {@code <kubernetes-node-name>/<host-nqn>}. Carrying the host NQN in the id is how
 * the controller learns whom to grant at the storage target without reading Node objects (no extra RBAC). Node names
 * are DNS subdomains and never contain '/', so the first '/' splits the two unambiguously.
 */
public record NodeId(String nodeName, Nqn hostNqn) {
    /** Kubernetes rejects CSINode node ids longer than this. */
    public static final int MAX_BYTES = 192;
    private static final Pattern NODE_NAME = Pattern.compile("[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?");

    public NodeId {
        if (nodeName == null || !NODE_NAME.matcher(nodeName).matches()) {
            throw new IllegalArgumentException("'" + nodeName + "' is not a Kubernetes node name (lower-case DNS subdomain)");
        }
        int bytes = (nodeName + "/" + hostNqn.value()).getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_BYTES) {
            throw new IllegalArgumentException("node id for '" + nodeName + "' would be " + bytes
                    + " bytes, over Kubernetes' limit of " + MAX_BYTES + "; use a shorter host NQN");
        }
    }

    public static NodeId parse(String text) {
        int slash = text == null ? -1 : text.indexOf('/');
        if (slash <= 0) {
            throw new IllegalArgumentException("node id '" + text + "' is not <node-name>/<host-nqn>");
        }
        return new NodeId(text.substring(0, slash), new Nqn(text.substring(slash + 1)));
    }

    public String value() {
        return nodeName + "/" + hostNqn.value();
    }

    @Override
    public String toString() {
        return value();
    }
}
