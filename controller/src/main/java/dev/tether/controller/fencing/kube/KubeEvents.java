package dev.tether.controller.fencing.kube;

import dev.tether.controller.fencing.FencingEvents;
import dev.tether.driver.concurrent.BackgroundPoster;
import dev.tether.driver.model.VolumeId;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * core/v1 Events on the volume's PV and, when it is bound, its PVC, so {@code kubectl describe pvc} shows them.
 * Posted from one background thread with a bounded queue: an operation never waits for, or fails because of, an event
 * (a full queue drops the event and logs it). Every event is also logged.
 */
public final class KubeEvents implements FencingEvents, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KubeEvents.class);
    static final String COMPONENT = "tether-controller";
    private final KubernetesClient client;
    private final PvDirectory pvs;
    private final Clock clock;
    private final BackgroundPoster poster = new BackgroundPoster("event-poster", 1000);

    public KubeEvents(KubernetesClient client, PvDirectory pvs, Clock clock) {
        this.client = client;
        this.pvs = pvs;
        this.clock = clock;
    }

    @Override
    public void post(VolumeId volume, boolean warning, String reason, String message) {
        FencingEvents.LOG.post(volume, warning, reason, message);
        if (!poster.offer(() -> postNow(volume, warning, reason, message))) {
            LOG.warn("event queue full; dropped {} for volume {}", reason, volume);
        }
    }

    private void postNow(VolumeId volume, boolean warning, String reason, String message) {
        try {
            Optional<PersistentVolume> pv = pvs.find(volume);
            if (pv.isEmpty()) {
                LOG.debug("no PV for volume {}; event {} only logged", volume, reason);
                return;
            }
            create(new ObjectReferenceBuilder().withApiVersion("v1").withKind("PersistentVolume")
                    .withName(pv.get().getMetadata().getName()).withUid(pv.get().getMetadata().getUid()).build(),
                    "default", warning, reason, message);
            ObjectReference claim = pv.get().getSpec().getClaimRef();
            if (claim != null && claim.getName() != null && claim.getNamespace() != null) {
                create(new ObjectReferenceBuilder().withApiVersion("v1").withKind("PersistentVolumeClaim")
                        .withNamespace(claim.getNamespace()).withName(claim.getName()).withUid(claim.getUid()).build(),
                        claim.getNamespace(), warning, reason, message);
            }
        } catch (RuntimeException e) {
            LOG.warn("could not post event {} for volume {}: {}", reason, volume, e.toString());
        }
    }

    private void create(ObjectReference involved, String namespace, boolean warning, String reason, String message) {
        String now = Instant.now(clock).toString();
        Event event = new EventBuilder()
                .withNewMetadata().withNamespace(namespace)
                .withName(involved.getName() + "." + UUID.randomUUID().toString().replace("-", "").substring(0, 16)).endMetadata()
                .withInvolvedObject(involved)
                .withType(warning ? "Warning" : "Normal")
                .withReason(reason)
                .withMessage(message.length() > 1000 ? message.substring(0, 1000) : message)
                .withNewSource().withComponent(COMPONENT).endSource()
                .withReportingComponent("tether.csi.dev/controller")
                .withReportingInstance(System.getenv().getOrDefault("HOSTNAME", COMPONENT))
                .withFirstTimestamp(now).withLastTimestamp(now).withCount(1)
                .build();
        client.v1().events().inNamespace(namespace).resource(event).create();
    }

    /** Test hook and shutdown: waits for queued events to be posted. */
    public void drain(long millis) throws InterruptedException {
        poster.drain(millis);
    }

    @Override
    public void close() {
        poster.close();
    }
}
