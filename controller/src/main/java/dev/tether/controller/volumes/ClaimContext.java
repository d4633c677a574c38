package dev.tether.controller.volumes;

import dev.tether.driver.model.VolumeContextKeys;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The claim a volume is provisioned for, as volume_context entries. The external-provisioner passes it to CreateVolume
 * only as parameters ({@code --extra-create-metadata}); NodeStageVolume sees the volume_context but not the parameters,
 * so the controller copies it over for the node plugin's events on the PVC. Nothing is copied unless both the claim's
 * name and namespace are there.
 */
final class ClaimContext {
    static final String PVC_NAME = "csi.storage.k8s.io/pvc/name";
    static final String PVC_NAMESPACE = "csi.storage.k8s.io/pvc/namespace";
    static final String PV_NAME = "csi.storage.k8s.io/pv/name";

    private ClaimContext() {
    }

    static Map<String, String> from(Map<String, String> parameters) {
        String name = parameters.getOrDefault(PVC_NAME, "");
        String namespace = parameters.getOrDefault(PVC_NAMESPACE, "");
        if (name.isEmpty() || namespace.isEmpty()) {
            return Map.of();
        }
        Map<String, String> context = new LinkedHashMap<>();
        context.put(VolumeContextKeys.PVC_NAME, name);
        context.put(VolumeContextKeys.PVC_NAMESPACE, namespace);
        String pv = parameters.getOrDefault(PV_NAME, "");
        if (!pv.isEmpty()) {
            context.put(VolumeContextKeys.PV_NAME, pv);
        }
        return context;
    }
}
