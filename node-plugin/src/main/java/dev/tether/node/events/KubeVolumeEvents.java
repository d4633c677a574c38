package dev.tether.node.events;

import dev.tether.driver.concurrent.BackgroundPoster;
import dev.tether.driver.kube.ApiErrors;
import dev.tether.node.volume.ClaimRef;
import dev.tether.node.volume.StagedVolume;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * core/v1 Events on the staged volume's PVC and PV. The object's uid is read first: {@code kubectl describe pvc} only
 * shows events whose involvedObject carries it. A claim that no longer belongs to the volume (deleted and made again
 * under the same name) gets nothing. Posted from one background thread with a bounded queue, so the supervisor never
 * waits for the API; a failure or a full queue is logged, and every event is logged anyway.
 */
public final class KubeVolumeEvents implements VolumeEvents, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KubeVolumeEvents.class);
    static final String COMPONENT = "tether-node";
    static final String PV_EVENT_NAMESPACE = "default";

    private final KubernetesClient client;
    private final String nodeName;
    private final Clock clock;
    private final VolumeEvents log = new LogVolumeEvents();
    private final BackgroundPoster poster = new BackgroundPoster("volume-events", 200);

    public KubeVolumeEvents(KubernetesClient client, String nodeName, Clock clock) {
        this.client = client;
        this.nodeName = nodeName;
        this.clock = clock;
    }

    @Override
    public void post(StagedVolume volume, boolean warning, String reason, String message) {
        log.post(volume, warning, reason, message);
        Optional<ClaimRef> claim = volume.claim();
        if (claim.isEmpty()) {
            return;
        }
        String text = "node " + nodeName + ", volume " + volume.volumeId() + ": " + message;
        if (!poster.offer(() -> postNow(claim.get(), warning, reason, text))) {
            LOG.warn("event queue full or closed; dropped {} for pvc {}", reason, claim.get());
        }
    }

    private void postNow(ClaimRef claim, boolean warning, String reason, String message) {
        try {
            PersistentVolumeClaim pvc = client.persistentVolumeClaims().inNamespace(claim.namespace()).withName(claim.name()).get();
            if (pvc == null) {
                LOG.info("pvc {} is gone; event {} only logged", claim, reason);
            } else if (claim.pvName().isPresent() && !claim.pvName().get().equals(pvc.getSpec().getVolumeName())) {
                LOG.info("pvc {} is bound to {} now, not {}; event {} only logged", claim, pvc.getSpec().getVolumeName(),
                        claim.pvName().get(), reason);
            } else {
                create(reference("PersistentVolumeClaim", claim.namespace(), claim.name(), pvc.getMetadata().getUid()),
                        claim.namespace(), warning, reason, message);
            }
            if (claim.pvName().isPresent()) {
                PersistentVolume pv = client.persistentVolumes().withName(claim.pvName().get()).get();
                if (pv != null) {
                    create(reference("PersistentVolume", null, claim.pvName().get(), pv.getMetadata().getUid()),
                            PV_EVENT_NAMESPACE, warning, reason, message);
                }
            }
        } catch (KubernetesClientException e) {
            LOG.warn("could not post event {} for pvc {}: {}", reason, claim, ApiErrors.describe(e));
        } catch (RuntimeException e) {
            LOG.warn("could not post event {} for pvc {}: {}", reason, claim, e.toString());
        }
    }

    private static ObjectReference reference(String kind, String namespace, String name, String uid) {
        return new ObjectReferenceBuilder().withApiVersion("v1").withKind(kind).withNamespace(namespace).withName(name)
                .withUid(uid).build();
    }

    private void create(ObjectReference involved, String namespace, boolean warning, String reason, String message) {
        String now = Instant.now(clock).toString();
        client.v1().events().inNamespace(namespace).resource(new EventBuilder()
                .withNewMetadata().withNamespace(namespace)
                .withName(involved.getName() + "." + UUID.randomUUID().toString().replace("-", "").substring(0, 16)).endMetadata()
                .withInvolvedObject(involved)
                .withType(warning ? "Warning" : "Normal").withReason(reason)
                .withMessage(message.length() > 1000 ? message.substring(0, 1000) : message)
                .withNewSource().withComponent(COMPONENT).withHost(nodeName).endSource()
                .withReportingComponent("tether.csi.dev/node").withReportingInstance(nodeName)
                .withFirstTimestamp(now).withLastTimestamp(now).withCount(1)
                .build()).create();
    }

    /** Waits up to {@code millis} for queued events to be posted (tests, shutdown). */
    public void drain(long millis) throws InterruptedException {
        poster.drain(millis);
    }

    @Override
    public void close() {
        poster.close();
    }
}
