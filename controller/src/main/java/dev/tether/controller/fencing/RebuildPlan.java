package dev.tether.controller.fencing;

import dev.tether.driver.model.VolumeId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Decides a volume's attachments at start-up from what the cluster says: the VolumeAttachments of this driver (the
 * truth of what Kubernetes believes is attached) and the PV annotation (what fencing recorded). Disagreements are
 * resolved toward safety: anything either source calls attached is kept, unless that would put a single-node volume
 * on two nodes (or a migration volume on three); then the best-founded attachment wins (VA attached, then VA present,
 * then the oldest) and the others are listed to be revoked.
 */
public final class RebuildPlan {
    /** One node's claim to a volume and what backs it. */
    public record Candidate(Attachment attachment, boolean recorded, boolean hasVolumeAttachment, boolean vaAttached) {
    }

    /** What to keep and what to revoke for one volume, with the findings worth an event. */
    public record Outcome(List<Attachment> keep, List<Attachment> revoke, List<String> findings) {
    }

    private RebuildPlan() {
    }

    public static Outcome resolve(VolumeId volume, List<Candidate> candidates) {
        List<String> findings = new ArrayList<>();
        Map<String, Candidate> byNode = new LinkedHashMap<>();
        for (Candidate c : candidates) {
            byNode.merge(c.attachment().node().value(), c, (a, b) -> new Candidate(a.recorded() ? a.attachment() : b.attachment(),
                    a.recorded() || b.recorded(), a.hasVolumeAttachment() || b.hasVolumeAttachment(), a.vaAttached() || b.vaAttached()));
        }
        for (Candidate c : byNode.values()) {
            String node = c.attachment().node().nodeName();
            if (!c.recorded()) {
                findings.add("node " + node + " has a VolumeAttachment but no recorded attachment; kept");
            } else if (!c.hasVolumeAttachment()) {
                findings.add("node " + node + " has a recorded attachment but no VolumeAttachment; kept until the reconciler "
                        + "confirms it is stale");
            }
        }
        List<Candidate> ordered = byNode.values().stream()
                .sorted(Comparator.comparing((Candidate c) -> !c.vaAttached())
                        .thenComparing(c -> !c.hasVolumeAttachment())
                        .thenComparing(c -> c.attachment().attachedAt()))
                .toList();
        boolean migration = !ordered.isEmpty() && ordered.stream().allMatch(c -> c.attachment().access().migration());
        int allowed = migration ? 2 : 1;
        List<Attachment> keep = ordered.stream().limit(allowed).map(Candidate::attachment).toList();
        List<Attachment> revoke = ordered.stream().skip(allowed).map(Candidate::attachment).toList();
        if (!revoke.isEmpty()) {
            findings.add("volume " + volume + " was attached to " + ordered.size() + " nodes (" + PublishService.names(
                    ordered.stream().map(Candidate::attachment).toList()) + "), more than its access mode allows; kept "
                    + PublishService.names(keep) + " and revoked " + PublishService.names(revoke)
                    + " at the storage target. Check the workloads on the revoked nodes");
        }
        return new Outcome(keep, revoke, findings);
    }
}
