package dev.tether.controller.fencing.kube;

import dev.tether.controller.fencing.NodeDirectory;
import dev.tether.driver.error.UnavailableException;
import dev.tether.driver.kube.ApiErrors;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

/**
 * A node exists when its Node object does; an API error is not an answer (UNAVAILABLE). Asked with a LIST filtered by
 * name, so the controller needs only the list/watch RBAC it already has for the reconciler, not get.
 */
public final class KubeNodeDirectory implements NodeDirectory {
    private final KubernetesClient client;

    public KubeNodeDirectory(KubernetesClient client) {
        this.client = client;
    }

    @Override
    public boolean exists(String nodeName) {
        try {
            return !client.nodes().withField("metadata.name", nodeName).list().getItems().isEmpty();
        } catch (KubernetesClientException e) {
            throw new UnavailableException("cannot tell whether node '" + nodeName + "' exists: " + ApiErrors.describe(e), e);
        }
    }
}
