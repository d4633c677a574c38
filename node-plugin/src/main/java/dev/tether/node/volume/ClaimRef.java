package dev.tether.node.volume;

import dev.tether.driver.model.VolumeContextKeys;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The PersistentVolumeClaim (and PersistentVolume, when known) a staged volume belongs to: where the node plugin posts
 * its events. Only informational, so a volume_context without it, or with names Kubernetes could not have made, stages
 * all the same and its events are only logged.
 */
public record ClaimRef(String namespace, String name, Optional<String> pvName) {
    /** DNS-1123 subdomain: what Kubernetes allows for namespaces, claim and volume names. */
    private static final Pattern NAME = Pattern.compile("[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?");

    public ClaimRef {
        if (!valid(namespace) || !valid(name) || pvName.filter(p -> !valid(p)).isPresent()) {
            throw new IllegalArgumentException("not a claim reference: " + namespace + "/" + name + " " + pvName.orElse(""));
        }
    }

    /** The claim named in a volume_context, if it names one Kubernetes could have made. */
    public static Optional<ClaimRef> from(Map<String, String> context) {
        String namespace = context.getOrDefault(VolumeContextKeys.PVC_NAMESPACE, "");
        String name = context.getOrDefault(VolumeContextKeys.PVC_NAME, "");
        Optional<String> pv = Optional.ofNullable(context.get(VolumeContextKeys.PV_NAME)).filter(ClaimRef::valid);
        if (!valid(namespace) || !valid(name)) {
            return Optional.empty();
        }
        return Optional.of(new ClaimRef(namespace, name, pv));
    }

    private static boolean valid(String value) {
        return value != null && NAME.matcher(value).matches();
    }

    @Override
    public String toString() {
        return namespace + "/" + name;
    }
}
