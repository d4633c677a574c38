package dev.tether.controller.fencing.kube;

import dev.tether.controller.fencing.ClusterView;
import dev.tether.controller.fencing.VolumeAttachmentNames;
import dev.tether.driver.model.VolumeId;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.storage.VolumeAttachment;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Three LIST calls per read (Nodes, PVs, VolumeAttachments), however many volumes there are. A VA names its PV, so
 * the PV list maps it back to the volume handle.
 */
public final class KubeClusterView implements ClusterView {
    private final KubernetesClient client;
    private final PvDirectory pvs;

    public KubeClusterView(KubernetesClient client, PvDirectory pvs) {
        this.client = client;
        this.pvs = pvs;
    }

    @Override
    public Snapshot read() {
        Set<String> nodes = new HashSet<>();
        client.nodes().list().getItems().forEach(n -> nodes.add(n.getMetadata().getName()));
        Map<String, VolumeId> volumeByPv = new HashMap<>();
        for (PersistentVolume pv : pvs.list()) {
            volumeByPv.put(pv.getMetadata().getName(), PvDirectory.volumeOf(pv).orElseThrow());
        }
        Set<Key> vas = new HashSet<>();
        for (VolumeAttachment va : client.storage().v1().volumeAttachments().list().getItems()) {
            if (!VolumeAttachmentNames.DRIVER.equals(va.getSpec().getAttacher()) || va.getSpec().getSource() == null) {
                continue;
            }
            VolumeId volume = volumeByPv.get(va.getSpec().getSource().getPersistentVolumeName());
            if (volume != null) {
                vas.add(new Key(volume, va.getSpec().getNodeName()));
            }
        }
        return new Snapshot(nodes, vas);
    }
}
