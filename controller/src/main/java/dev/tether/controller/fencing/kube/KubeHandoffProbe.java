package dev.tether.controller.fencing.kube;

import dev.tether.controller.fencing.HandoffProbe;
import dev.tether.controller.fencing.VolumeAttachmentNames;
import dev.tether.driver.model.NodeId;
import dev.tether.driver.model.VolumeId;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

/**
 * Reads the holder's VolumeAttachment (one LIST filtered by name, only on a conflict; list RBAC suffices) to see
 * whether its deletion is under way.
 */
public final class KubeHandoffProbe implements HandoffProbe {
    private final KubernetesClient client;

    public KubeHandoffProbe(KubernetesClient client) {
        this.client = client;
    }

    @Override
    public boolean detaching(VolumeId volume, NodeId node) {
        try {
            return client.storage().v1().volumeAttachments()
                    .withField("metadata.name", VolumeAttachmentNames.of(volume, node.nodeName())).list().getItems().stream()
                    .anyMatch(va -> va.getMetadata().getDeletionTimestamp() != null);
        } catch (KubernetesClientException e) {
            return false;
        }
    }
}
