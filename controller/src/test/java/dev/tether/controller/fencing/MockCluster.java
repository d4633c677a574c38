package dev.tether.controller.fencing;

import dev.tether.controller.fencing.kube.PvAnnotationStore;
import dev.tether.driver.model.NodeId;
import dev.tether.driver.model.VolumeId;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeBuilder;
import io.fabric8.kubernetes.api.model.storage.VolumeAttachment;
import io.fabric8.kubernetes.api.model.storage.VolumeAttachmentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import java.util.HashMap;
import java.util.Map;
import java.util.Queue;

/**
 * fabric8's mock API server in CRUD mode (create, get, list, watch, JSON patch with 409 on a stale resourceVersion),
 * with one-off expectations on top for injected failures, plus helpers that create the objects fencing reads.
 */
final class MockCluster implements AutoCloseable {
    final KubernetesMockServer server;
    final KubernetesClient client;

    MockCluster() {
        Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
        server = new KubernetesMockServer(new Context(), new MockWebServer(), responses, new KubernetesMixedDispatcher(responses), false);
        server.init();
        // No client-side retries: an injected failure must reach the code under test, as it would after retries ran out.
        try (KubernetesClient base = server.createClient()) {
            client = new io.fabric8.kubernetes.client.KubernetesClientBuilder().withConfig(
                    new io.fabric8.kubernetes.client.ConfigBuilder(base.getConfiguration()).withRequestRetryBackoffLimit(0).build()).build();
        }
    }

    void node(String name) {
        client.nodes().resource(new NodeBuilder().withNewMetadata().withName(name).endMetadata().build()).create();
    }

    PersistentVolume pv(String name, String handle, String accessMode, String volumeMode) {
        return client.persistentVolumes().resource(new PersistentVolumeBuilder()
                .withNewMetadata().withName(name).endMetadata()
                .withNewSpec().addToAccessModes(accessMode).withVolumeMode(volumeMode)
                .addToCapacity("storage", new io.fabric8.kubernetes.api.model.Quantity("1Mi"))
                .withNewClaimRef().withNamespace("apps").withName("data-" + name).withUid("uid-" + name).endClaimRef()
                .withNewCsi().withDriver(VolumeAttachmentNames.DRIVER).withVolumeHandle(handle).endCsi()
                .endSpec().build()).create();
    }

    VolumeAttachment va(String pvName, VolumeId volume, NodeId node, boolean attached) {
        VolumeAttachment va = client.storage().v1().volumeAttachments().resource(new VolumeAttachmentBuilder()
                .withNewMetadata().withName(VolumeAttachmentNames.of(volume, node.nodeName())).endMetadata()
                .withNewSpec().withAttacher(VolumeAttachmentNames.DRIVER).withNodeName(node.nodeName())
                .withNewSource().withPersistentVolumeName(pvName).endSource().endSpec()
                .build()).create();
        if (attached) {
            va.setStatus(new io.fabric8.kubernetes.api.model.storage.VolumeAttachmentStatusBuilder().withAttached(true)
                    .withAttachmentMetadata(Map.of(PublishService.HOST_NQN, node.hostNqn().value())).build());
            va = client.storage().v1().volumeAttachments().resource(va).updateStatus();
        }
        return va;
    }

    String annotation(String pvName) {
        Map<String, String> annotations = client.persistentVolumes().withName(pvName).get().getMetadata().getAnnotations();
        return annotations == null ? null : annotations.get(PvAnnotationStore.ANNOTATION);
    }

    @Override
    public void close() {
        client.close();
        try {
            server.destroy();
        } catch (IllegalStateException e) {
            // The mock's own web server sometimes times out closing a connection a watch left open; the test's
            // assertions are already done, so this says nothing about the code under test.
        }
    }
}
