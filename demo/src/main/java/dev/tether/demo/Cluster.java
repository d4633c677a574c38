package dev.tether.demo;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.storage.VolumeAttachment;
import io.fabric8.kubernetes.api.model.storage.VolumeAttachmentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Map;

/** The Kubernetes objects the demo plays with, created the way kubelet, the provisioner and the attacher would. */
final class Cluster {
    static final String DRIVER = "tether.csi.dev";
    static final String APPS = "demo";
    private final KubernetesClient client;

    Cluster(KubernetesClient client) {
        this.client = client;
    }

    void readyNode(String name) {
        Node node = new NodeBuilder().withNewMetadata().withName(name).endMetadata()
                .withNewStatus().addNewCondition().withType("Ready").withStatus("True").endCondition().endStatus()
                .build();
        client.nodes().resource(node).create();
    }

    void deleteNode(String name) {
        client.nodes().withName(name).delete();
    }

    /** What external-provisioner creates after CreateVolume: a claim's PV carrying our volume handle. */
    String boundVolume(String claim, String volumeId, long bytes, String accessMode, String volumeMode) {
        client.persistentVolumeClaims().inNamespace(APPS).resource(new PersistentVolumeClaimBuilder()
                .withNewMetadata().withName(claim).withNamespace(APPS).endMetadata()
                .withNewSpec().withAccessModes(accessMode).withVolumeMode(volumeMode)
                .withNewResources().withRequests(Map.of("storage", new Quantity(String.valueOf(bytes)))).endResources()
                .endSpec().build()).create();
        String pvName = "pv-" + volumeId;
        PersistentVolume pv = new PersistentVolumeBuilder()
                .withNewMetadata().withName(pvName).endMetadata()
                .withNewSpec()
                .withAccessModes(accessMode).withVolumeMode(volumeMode)
                .withCapacity(Map.of("storage", new Quantity(String.valueOf(bytes))))
                .withNewCsi().withDriver(DRIVER).withVolumeHandle(volumeId).endCsi()
                .withNewClaimRef().withKind("PersistentVolumeClaim").withNamespace(APPS).withName(claim).endClaimRef()
                .endSpec().build();
        client.persistentVolumes().resource(pv).create();
        return pvName;
    }

    /** What the attach/detach controller creates when a pod using {@code pv} is scheduled to {@code node}. */
    VolumeAttachment attachment(String pv, String node) {
        VolumeAttachment va = new VolumeAttachmentBuilder()
                .withNewMetadata().withName(vaName(pv, node)).endMetadata()
                .withNewSpec().withAttacher(DRIVER).withNodeName(node)
                .withNewSource().withPersistentVolumeName(pv).endSource().endSpec()
                .build();
        return client.storage().v1().volumeAttachments().resource(va).create();
    }

    void markAttached(String pv, String node, boolean attached) {
        client.storage().v1().volumeAttachments().withName(vaName(pv, node)).editStatus(va -> {
            va.setStatus(new io.fabric8.kubernetes.api.model.storage.VolumeAttachmentStatusBuilder().withAttached(attached).build());
            return va;
        });
    }

    void deleteAttachment(String pv, String node) {
        client.storage().v1().volumeAttachments().withName(vaName(pv, node)).delete();
    }

    static String vaName(String pv, String node) {
        return "csi-" + Integer.toHexString((pv + "/" + node).hashCode());
    }
}
