package dev.tether.node;

import dev.tether.driver.model.TopologySegments;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The topology this node reports: the fixed --topology segments plus, for --topology-from-node-labels, the values
 * its own Node carries under those label keys. A DaemonSet gives every node the same environment, so per-node values
 * (a zone, a rack) can only come from the Node. They are read once at start, because kubelet reads NodeGetInfo once
 * at registration: a changed label takes effect when the plugin restarts.
 */
public final class NodeTopology {
    private NodeTopology() {
    }

    /** {@code KEY[,KEY...]}; blank is none. */
    public static List<String> labelKeys(String text) {
        return text == null || text.isBlank() ? List.of()
                : Arrays.stream(text.split(",", -1)).map(String::strip).toList();
    }

    /** Reads this node's labels; an absent Node or label, or a key clash, is an IllegalArgumentException naming it. */
    public static TopologySegments resolve(KubernetesClient client, String nodeName, TopologySegments fixed, List<String> labelKeys) {
        if (labelKeys.isEmpty()) {
            return fixed;
        }
        Node node;
        try {
            node = client.nodes().withName(nodeName).get();
        } catch (KubernetesClientException e) {
            throw new IllegalStateException("cannot read Node " + nodeName + " for its topology labels: " + e.getMessage(), e);
        }
        if (node == null) {
            throw new IllegalArgumentException("Node '" + nodeName + "' does not exist, so it has no labels " + labelKeys);
        }
        Map<String, String> labels = node.getMetadata().getLabels() == null ? Map.of() : node.getMetadata().getLabels();
        return merge(fixed, labelKeys, labels, nodeName);
    }

    static TopologySegments merge(TopologySegments fixed, List<String> labelKeys, Map<String, String> labels, String nodeName) {
        Map<String, String> segments = new TreeMap<>(fixed.segments());
        for (String key : labelKeys) {
            String value = labels.get(key);
            if (value == null || value.isEmpty()) {
                throw new IllegalArgumentException("Node '" + nodeName + "' has no label '" + key + "' (label the node, or "
                        + "leave the key out)");
            }
            if (segments.put(key, value) != null) {
                throw new IllegalArgumentException("'" + key + "' is given both as a fixed topology segment and as a node label");
            }
        }
        return new TopologySegments(segments);
    }
}
