package dev.tether.controller.fencing.kube;

import dev.tether.controller.fencing.VolumeAttachmentNames;
import dev.tether.driver.model.VolumeId;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Finds the PersistentVolume of a Tether volume (spec.csi.driver tether.csi.dev, spec.csi.volumeHandle = volume id).
 * The external-provisioner names PVs after the CreateVolume name, which is Tether's volume id in the common case, so
 * a GET by that name usually hits; otherwise one LIST refreshes the whole volume-to-PV index. API errors propagate
 * as fabric8 exceptions; callers decide what they mean.
 */
public final class PvDirectory {
    private final KubernetesClient client;
    private final Map<VolumeId, String> names = new ConcurrentHashMap<>();

    public PvDirectory(KubernetesClient client) {
        this.client = client;
    }

    public Optional<PersistentVolume> find(VolumeId volume) {
        String guess = names.getOrDefault(volume, volume.value());
        PersistentVolume pv = client.persistentVolumes().withName(guess).get();
        if (pv != null && volumeOf(pv).filter(volume::equals).isPresent()) {
            names.put(volume, guess);
            return Optional.of(pv);
        }
        names.remove(volume);
        return list().stream().filter(p -> volumeOf(p).filter(volume::equals).isPresent()).findFirst();
    }

    /** Every Tether PV (one LIST call), refreshing the index. */
    public List<PersistentVolume> list() {
        List<PersistentVolume> ours = client.persistentVolumes().list().getItems().stream()
                .filter(p -> volumeOf(p).isPresent()).toList();
        ours.forEach(p -> names.put(volumeOf(p).orElseThrow(), p.getMetadata().getName()));
        return ours;
    }

    public void forget(VolumeId volume) {
        names.remove(volume);
    }

    /** The Tether volume a PV stands for, if it is one of ours. */
    public static Optional<VolumeId> volumeOf(PersistentVolume pv) {
        if (pv.getSpec() == null || pv.getSpec().getCsi() == null
                || !VolumeAttachmentNames.DRIVER.equals(pv.getSpec().getCsi().getDriver())) {
            return Optional.empty();
        }
        String handle = pv.getSpec().getCsi().getVolumeHandle();
        return VolumeId.isValid(handle) ? Optional.of(new VolumeId(handle)) : Optional.empty();
    }
}
