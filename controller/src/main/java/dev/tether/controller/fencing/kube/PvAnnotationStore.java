package dev.tether.controller.fencing.kube;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tether.controller.fencing.Attachment;
import dev.tether.controller.fencing.AttachmentCodec;
import dev.tether.controller.fencing.AttachmentStore;
import dev.tether.driver.error.UnavailableException;
import dev.tether.driver.kube.ApiErrors;
import dev.tether.driver.model.VolumeId;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Attachments persisted in the PV annotation {@code tether.csi.dev/attachments}. Each write is a JSON patch that carries
 * the resourceVersion it was computed from, so a concurrent writer makes it fail (409) instead of being overwritten; a conflict re-reads and retries, a bounded number of times. Any other API error is UNAVAILABLE.
 */
public final class PvAnnotationStore implements AttachmentStore {
    public static final String ANNOTATION = "tether.csi.dev/attachments";
    public static final int MAX_ATTEMPTS = 5;
    private static final Logger LOG = LoggerFactory.getLogger(PvAnnotationStore.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final KubernetesClient client;
    private final PvDirectory pvs;

    public PvAnnotationStore(KubernetesClient client, PvDirectory pvs) {
        this.client = client;
        this.pvs = pvs;
    }

    @Override
    public void save(VolumeId volume, List<Attachment> attachments) {
        String value = attachments.isEmpty() ? null : AttachmentCodec.encode(attachments);
        for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
            Optional<PersistentVolume> pv;
            try {
                pv = pvs.find(volume);
            } catch (KubernetesClientException e) {
                throw new UnavailableException("cannot read the PersistentVolume of volume '" + volume + "': " + ApiErrors.describe(e), e);
            }
            if (pv.isEmpty()) {
                if (value == null) {
                    return; // nothing to record on a PV that is gone
                }
                throw new UnavailableException("no PersistentVolume has spec.csi.volumeHandle '" + volume
                        + "', so its attachment cannot be recorded");
            }
            Optional<String> patch = patch(pv.get(), value);
            if (patch.isEmpty()) {
                return;
            }
            String name = pv.get().getMetadata().getName();
            try {
                client.persistentVolumes().withName(name).patch(PatchContext.of(PatchType.JSON), patch.get());
                return;
            } catch (KubernetesClientException e) {
                if (e.getCode() == 409 || e.getCode() == 422 || e.getCode() == 404) {
                    LOG.debug("attachment write to PV {} lost a race (HTTP {}), attempt {} of {}", name, e.getCode(), attempt, MAX_ATTEMPTS);
                    pvs.forget(volume);
                    continue;
                }
                throw new UnavailableException("cannot write annotation " + ANNOTATION + " on PersistentVolume " + name + ": "
                        + ApiErrors.describe(e), e);
            }
        }
        throw new UnavailableException("annotation " + ANNOTATION + " of volume '" + volume + "' kept changing under us ("
                + MAX_ATTEMPTS + " conflicts in a row); retry");
    }

    /** The JSON patch taking the PV from its current annotation to {@code value} (null: none), or empty if already there. */
    public static Optional<String> patch(PersistentVolume pv, String value) {
        Map<String, String> annotations = pv.getMetadata().getAnnotations();
        String current = annotations == null ? null : annotations.get(ANNOTATION);
        if (java.util.Objects.equals(current, value)) {
            return Optional.empty();
        }
        List<Map<String, Object>> ops = new ArrayList<>();
        // Optimistic concurrency: the patched object claims the resourceVersion we read, so the API server answers 409
        // if the PV changed since. (A JSON-patch "test" op would do the same on a real API server, but fabric8's mock
        // answers a failed test with 500, which we could not tell from an outage.)
        ops.add(op("replace", "/metadata/resourceVersion", pv.getMetadata().getResourceVersion()));
        String path = "/metadata/annotations/" + ANNOTATION.replace("~", "~0").replace("/", "~1");
        if (value == null) {
            ops.add(op("remove", path, null));
        } else if (annotations == null) {
            ops.add(op("add", "/metadata/annotations", Map.of(ANNOTATION, value)));
        } else {
            ops.add(op("add", path, value));
        }
        try {
            return Optional.of(JSON.writeValueAsString(ops));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, Object> op(String op, String path, Object value) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("op", op);
        m.put("path", path);
        if (value != null) {
            m.put("value", value);
        }
        return m;
    }

    @Override
    public Map<dev.tether.driver.model.VolumeId, List<Attachment>> load() {
        Map<VolumeId, List<Attachment>> answer = new LinkedHashMap<>();
        for (PersistentVolume pv : pvs.list()) {
            annotated(pv).ifPresent(list -> answer.put(PvDirectory.volumeOf(pv).orElseThrow(), list));
        }
        return answer;
    }

    /** The attachments recorded on a PV; a malformed annotation is logged and treated as absent (VAs still count). */
    static Optional<List<Attachment>> annotated(PersistentVolume pv) {
        Map<String, String> annotations = pv.getMetadata().getAnnotations();
        if (annotations == null || !annotations.containsKey(ANNOTATION)) {
            return Optional.empty();
        }
        try {
            return Optional.of(AttachmentCodec.decode(annotations.get(ANNOTATION)));
        } catch (IllegalArgumentException e) {
            LOG.warn("PV {}: ignoring malformed annotation {}: {}", pv.getMetadata().getName(), ANNOTATION, e.getMessage());
            return Optional.empty();
        }
    }
}
