package dev.tether.controller.fencing.kube;

import csi.v1.Csi.VolumeCapability.AccessMode.Mode;
import dev.tether.controller.backend.StorageBackend;
import dev.tether.controller.fencing.AccessSpec;
import dev.tether.controller.fencing.Attachment;
import dev.tether.controller.fencing.AttachmentStore;
import dev.tether.controller.fencing.FencingEvents;
import dev.tether.controller.fencing.PublishService;
import dev.tether.controller.fencing.RebuildPlan;
import dev.tether.controller.fencing.VolumeAttachmentNames;
import dev.tether.driver.model.NodeId;
import dev.tether.driver.model.Nqn;
import dev.tether.driver.model.VolumeId;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.storage.VolumeAttachment;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rebuilds the attachment map from the cluster with two LIST calls (PVs, VolumeAttachments), whatever the number of
 * volumes. Resolution is {@link RebuildPlan}'s; losers are revoked at the target, disagreements become Warning events,
 * and the resolved list is written back to the annotation. An API error on the LISTs propagates: the caller stays
 * not ready and tries again.
 */
public final class KubeRebuild {
    private static final Logger LOG = LoggerFactory.getLogger(KubeRebuild.class);
    private final KubernetesClient client;
    private final PvDirectory pvs;
    private final StorageBackend backend;
    private final AttachmentStore store;
    private final FencingEvents events;
    private final Clock clock;

    public KubeRebuild(KubernetesClient client, PvDirectory pvs, StorageBackend backend, AttachmentStore store,
            FencingEvents events, Clock clock) {
        this.client = client;
        this.pvs = pvs;
        this.backend = backend;
        this.store = store;
        this.events = events;
        this.clock = clock;
    }

    public Map<VolumeId, List<Attachment>> rebuild() {
        List<PersistentVolume> volumes = pvs.list();
        Map<String, List<VolumeAttachment>> vasByPv = new HashMap<>();
        for (VolumeAttachment va : client.storage().v1().volumeAttachments().list().getItems()) {
            if (VolumeAttachmentNames.DRIVER.equals(va.getSpec().getAttacher()) && va.getSpec().getSource() != null
                    && va.getSpec().getSource().getPersistentVolumeName() != null) {
                vasByPv.computeIfAbsent(va.getSpec().getSource().getPersistentVolumeName(), k -> new ArrayList<>()).add(va);
            }
        }
        Map<VolumeId, List<Attachment>> answer = new LinkedHashMap<>();
        int findings = 0;
        for (PersistentVolume pv : volumes) {
            VolumeId volume = PvDirectory.volumeOf(pv).orElseThrow();
            List<Attachment> recorded = PvAnnotationStore.annotated(pv).orElse(List.of());
            List<RebuildPlan.Candidate> candidates = new ArrayList<>();
            List<VolumeAttachment> vas = vasByPv.getOrDefault(pv.getMetadata().getName(), List.of());
            for (Attachment a : recorded) {
                Optional<VolumeAttachment> va = vas.stream().filter(v -> a.node().nodeName().equals(v.getSpec().getNodeName())).findFirst();
                candidates.add(new RebuildPlan.Candidate(a, true, va.isPresent(), va.map(KubeRebuild::attached).orElse(false)));
            }
            for (VolumeAttachment va : vas) {
                if (recorded.stream().noneMatch(a -> a.node().nodeName().equals(va.getSpec().getNodeName()))) {
                    fromVolumeAttachment(pv, va).ifPresent(a -> candidates.add(new RebuildPlan.Candidate(a, false, true, attached(va))));
                }
            }
            if (candidates.isEmpty()) {
                continue;
            }
            RebuildPlan.Outcome outcome = RebuildPlan.resolve(volume, candidates);
            List<Attachment> keep = new ArrayList<>(outcome.keep());
            for (Attachment loser : outcome.revoke()) {
                try {
                    backend.revokeHost(volume, loser.node().hostNqn());
                } catch (RuntimeException e) {
                    LOG.warn("rebuild: could not revoke {} from volume {}; keeping it recorded: {}", loser.node(), volume, e.getMessage());
                    keep.add(loser);
                }
            }
            for (String finding : outcome.findings()) {
                findings++;
                events.post(volume, true, FencingEvents.ATTACHMENT_REBUILT, finding);
            }
            if (!keep.equals(recorded)) {
                try {
                    store.save(volume, keep);
                } catch (RuntimeException e) {
                    LOG.warn("rebuild: could not write back the attachments of volume {}: {}", volume, e.getMessage());
                }
            }
            if (!keep.isEmpty()) {
                answer.put(volume, List.copyOf(keep));
            }
        }
        LOG.info("rebuilt {} attachments of {} volumes from {} PVs and the VolumeAttachments of {}; {} findings",
                answer.values().stream().mapToInt(List::size).sum(), answer.size(), volumes.size(), VolumeAttachmentNames.DRIVER,
                findings);
        return answer;
    }

    private static boolean attached(VolumeAttachment va) {
        return va.getStatus() != null && Boolean.TRUE.equals(va.getStatus().getAttached());
    }

    /**
     * A VA that fencing has no record of: its host NQN comes from the publish_context Kubernetes copied into
     * status.attachmentMetadata. Without it the publish never succeeded (we record before answering), so it is no claim.
     */
    private Optional<Attachment> fromVolumeAttachment(PersistentVolume pv, VolumeAttachment va) {
        Map<String, String> metadata = va.getStatus() == null ? null : va.getStatus().getAttachmentMetadata();
        String nqn = metadata == null ? null : metadata.get(PublishService.HOST_NQN);
        if (nqn == null) {
            return Optional.empty();
        }
        try {
            NodeId node = new NodeId(va.getSpec().getNodeName(), new Nqn(nqn));
            Instant at = va.getMetadata().getCreationTimestamp() == null ? clock.instant()
                    : Instant.parse(va.getMetadata().getCreationTimestamp());
            return Optional.of(new Attachment(node, accessOf(pv), metadata, at));
        } catch (RuntimeException e) {
            LOG.warn("VolumeAttachment {} has an unusable node or host NQN: {}", va.getMetadata().getName(), e.getMessage());
            return Optional.empty();
        }
    }

    /** The access a PV implies, for an attachment we only know from its VolumeAttachment. */
    static AccessSpec accessOf(PersistentVolume pv) {
        List<String> modes = pv.getSpec().getAccessModes() == null ? List.of() : pv.getSpec().getAccessModes();
        boolean block = "Block".equals(pv.getSpec().getVolumeMode());
        Mode mode;
        if (modes.contains("ReadWriteMany") && block) {
            mode = Mode.MULTI_NODE_MULTI_WRITER;
        } else if (modes.contains("ReadWriteOncePod")) {
            mode = Mode.SINGLE_NODE_SINGLE_WRITER;
        } else {
            mode = Mode.SINGLE_NODE_WRITER;
        }
        boolean readonly = pv.getSpec().getCsi() != null && Boolean.TRUE.equals(pv.getSpec().getCsi().getReadOnly());
        return new AccessSpec(mode, block, readonly);
    }
}
