package dev.tether.controller.fencing;

import csi.v1.Csi;
import csi.v1.Csi.ControllerServiceCapability.RPC.Type;
import dev.tether.controller.PublishedNodes;
import dev.tether.controller.backend.StorageBackend;
import dev.tether.controller.volumes.Capabilities;
import dev.tether.driver.error.AbortedException;
import dev.tether.driver.error.AlreadyExistsException;
import dev.tether.driver.error.FailedPreconditionException;
import dev.tether.driver.error.InvalidArgumentException;
import dev.tether.driver.error.NotFoundException;
import dev.tether.driver.error.ResourceExhaustedException;
import dev.tether.driver.error.UnavailableException;
import dev.tether.driver.model.NodeId;
import dev.tether.driver.model.VolumeId;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * ControllerPublish/Unpublish with fencing (DESIGN.md §4). Under the volume's lock: check the attachment map, decide,
 * persist the new record, grant (or revoke) at the storage target, and only then answer. Any failure after the
 * decision is rolled back so nothing is left half-done.
 *
 * <p>Order on publish is record first, then grant: a crash in between leaves a record that still fences other nodes
 * out, never a grant nobody knows about. Order on unpublish is revoke first, then forget the record: a crash in
 * between leaves a record (safe) that a retried unpublish or the reconciler clears.
 */
public final class PublishService implements PublishRpcs, PublishedNodes {
    /** publish_context key carrying the node's host NQN (it reaches VolumeAttachment.status.attachmentMetadata). */
    public static final String HOST_NQN = "hostNqn";

    private final StorageBackend backend;
    private final AttachmentRegistry registry;
    private final VolumeLocks locks;
    private final AttachmentStore store;
    private final NodeDirectory nodes;
    private final HandoffProbe handoff;
    private final FencingEvents events;
    private final FencingMetrics metrics;
    private final ServingGate gate;
    private final FencingSettings settings;
    private final Clock clock;
    private final HandoffGrace grace = new HandoffGrace();

    public PublishService(StorageBackend backend, AttachmentRegistry registry, VolumeLocks locks, AttachmentStore store,
            NodeDirectory nodes, HandoffProbe handoff, FencingEvents events, FencingMetrics metrics, ServingGate gate,
            FencingSettings settings, Clock clock) {
        this.backend = backend;
        this.registry = registry;
        this.locks = locks;
        this.store = store;
        this.nodes = nodes;
        this.handoff = handoff;
        this.events = events;
        this.metrics = metrics;
        this.gate = gate;
        this.settings = settings;
        this.clock = clock;
    }

    @Override
    public List<Type> capabilities() {
        return List.of(Type.PUBLISH_UNPUBLISH_VOLUME, Type.PUBLISH_READONLY);
    }

    @Override
    public Set<String> publishedNodeIds(VolumeId volume) {
        return registry.get(volume).stream().map(a -> a.node().value()).collect(Collectors.toCollection(LinkedHashSet::new));
    }

    @Override
    public void exclusively(VolumeId volume, Runnable action) {
        try (VolumeLocks.Held held = locks.acquire(volume)) {
            action.run();
        }
    }

    // ------------------------------------------------------------------ publish

    @Override
    public Csi.ControllerPublishVolumeResponse publish(Csi.ControllerPublishVolumeRequest request) {
        String rawVolume = required(request.getVolumeId(), "volume_id");
        String rawNode = required(request.getNodeId(), "node_id");
        if (!request.hasVolumeCapability()) {
            throw new InvalidArgumentException("volume_capability is missing");
        }
        Capabilities.problem(request.getVolumeCapability(), "volume_capability", null).ifPresent(p -> {
            throw new InvalidArgumentException(p);
        });
        requireServing();
        if (!VolumeId.isValid(rawVolume)) {
            throw new NotFoundException("volume '" + rawVolume + "' does not exist (not a Tether volume id)");
        }
        VolumeId volume = new VolumeId(rawVolume);
        NodeId node = parseNode(rawNode);
        AccessSpec access = AccessSpec.of(request.getVolumeCapability(), request.getReadonly());
        if (backend.get(volume).isEmpty()) {
            throw new NotFoundException("volume '" + volume + "' does not exist");
        }
        if (!nodes.exists(node.nodeName())) {
            throw new NotFoundException("node '" + node.nodeName() + "' (node_id '" + node + "') does not exist");
        }
        try (VolumeLocks.Held held = locks.acquire(volume)) {
            requireServing(); // again under the lock: leadership may have moved while we checked the node
            if (backend.get(volume).isEmpty()) { // and a DeleteVolume may have finished meanwhile
                throw new NotFoundException("volume '" + volume + "' does not exist");
            }
            return Csi.ControllerPublishVolumeResponse.newBuilder().putAllPublishContext(attach(volume, node, access)).build();
        }
    }

    private Map<String, String> attach(VolumeId volume, NodeId node, AccessSpec access) {
        List<Attachment> current = registry.get(volume);
        Optional<Attachment> mine = current.stream().filter(a -> a.node().equals(node)).findFirst();
        if (mine.isPresent()) {
            if (!mine.get().access().equals(access)) {
                throw new AlreadyExistsException("volume '" + volume + "' is already published to node '" + node.nodeName()
                        + "' as " + mine.get().access() + "; this request asks for " + access);
            }
            // Idempotent: re-grant (heals a grant lost with a crash or a failed rollback) and answer the same context.
            backend.grantHost(volume, node.hostNqn());
            return mine.get().publishContext();
        }
        Instant now = clock.instant();
        List<Attachment> others = current;
        if (!others.isEmpty()) {
            refuseSecondNode(volume, node, access, others);
        } else {
            grace.blocking(volume, node, now, settings.detachGrace()).ifPresent(d -> {
                throw new AbortedException("volume '" + volume + "' was unpublished from node '" + d.node().nodeName() + "' at "
                        + d.at() + "; a publish to another node waits " + settings.detachGrace()
                        + " (--detach-grace) for that host's I/O to drain; retry soon");
            });
        }
        if (!registry.reserve(node.value(), volume, settings.maxVolumesPerNode())) {
            throw new ResourceExhaustedException("node '" + node.nodeName() + "' already has " + registry.countOn(node.value())
                    + " Tether volumes published, the limit (--max-volumes-per-node " + settings.maxVolumesPerNode() + ")");
        }
        Attachment added = new Attachment(node, access, Map.of(HOST_NQN, node.hostNqn().value()), now);
        List<Attachment> next = AttachmentRegistry.with(current, added);
        try {
            store.save(volume, next);
        } catch (RuntimeException e) {
            registry.release(node.value(), volume);
            throw asUnavailable("record the attachment of volume '" + volume + "' to node '" + node.nodeName() + "'", e);
        }
        if (gate.notServing().isPresent()) {
            // The lease was lost while the record was written (API retries can take seconds): the new leader may have
            // rebuilt without it, so granting now could give the target a second writer. The record stays (it only
            // fences more: the next leader re-grants on the attacher's retry or clears it), and no grant is made.
            registry.release(node.value(), volume);
            throw new UnavailableException("this controller lost the leader-election lease while recording the attachment of "
                    + "volume '" + volume + "' to node '" + node.nodeName() + "'; not granting it at the target; retry");
        }
        try {
            backend.grantHost(volume, node.hostNqn());
        } catch (RuntimeException e) {
            rollbackRecord(volume, current, next, node);
            throw e;
        }
        registry.put(volume, next);
        if (!others.isEmpty()) {
            events.post(volume, false, FencingEvents.MIGRATION_DUAL_ATTACH, "live migration: volume " + volume
                    + " is now attached to nodes " + others.get(0).node().nodeName() + " and " + node.nodeName()
                    + " for at most " + settings.migrationWindow() + " (--migration-window)");
        }
        events.post(volume, false, FencingEvents.VOLUME_ATTACHED, "volume " + volume + " attached to node " + node.nodeName()
                + " as " + access);
        return added.publishContext();
    }

    private void refuseSecondNode(VolumeId volume, NodeId node, AccessSpec access, List<Attachment> others) {
        boolean migration = access.migration() && others.stream().allMatch(a -> a.access().migration());
        if (migration && others.size() < 2) {
            return;
        }
        Attachment holder = others.get(0);
        if (migration) {
            throw new FailedPreconditionException("volume '" + volume + "' is already published to 2 nodes ("
                    + names(others) + "), the most a live migration may use; unpublish one first");
        }
        if (handoff.detaching(volume, holder.node())) {
            throw new AbortedException("volume '" + volume + "' is being detached from node '" + holder.node().nodeName()
                    + "' (its VolumeAttachment is being deleted); retry soon");
        }
        metrics.conflict();
        String message = "volume " + volume + " is " + holder.access() + " and still attached to node "
                + holder.node().nodeName() + " (since " + holder.attachedAt() + "); refused the attach to node "
                + node.nodeName() + ". VolumeAttachment " + VolumeAttachmentNames.of(volume, holder.node().nodeName())
                + " holds it. If the pod on " + holder.node().nodeName() + " is gone, delete that VolumeAttachment (or, if the node "
                + "is dead, taint it node.kubernetes.io/out-of-service=nodeshutdown:NoExecute) and the attach will proceed";
        events.post(volume, true, FencingEvents.ATTACHMENT_CONFLICT, message);
        throw new FailedPreconditionException("volume '" + volume + "' is published to node '" + holder.node().nodeName()
                + "' (node_id '" + holder.node() + "') as " + holder.access() + "; it cannot also be published to node '"
                + node.nodeName() + "'");
    }

    /** Puts the persisted record back as it was; if even that fails, keep memory equal to what may be persisted. */
    private void rollbackRecord(VolumeId volume, List<Attachment> before, List<Attachment> next, NodeId node) {
        try {
            store.save(volume, before);
            registry.release(node.value(), volume);
        } catch (RuntimeException e) {
            // The record of the failed attach may still be persisted: keep it in memory too (it only fences more);
            // a retried publish re-grants, and an unpublish or the reconciler clears it.
            registry.put(volume, next);
        }
    }

    // ------------------------------------------------------------------ unpublish

    @Override
    public Csi.ControllerUnpublishVolumeResponse unpublish(Csi.ControllerUnpublishVolumeRequest request) {
        String rawVolume = required(request.getVolumeId(), "volume_id");
        requireServing();
        if (!VolumeId.isValid(rawVolume)) {
            return Csi.ControllerUnpublishVolumeResponse.getDefaultInstance();
        }
        VolumeId volume = new VolumeId(rawVolume);
        String rawNode = request.getNodeId();
        try (VolumeLocks.Held held = locks.acquire(volume)) {
            requireServing();
            List<Attachment> current = registry.get(volume);
            List<Attachment> leaving = rawNode.isEmpty() ? current
                    : current.stream().filter(a -> a.node().value().equals(rawNode)).toList();
            if (leaving.isEmpty()) {
                revokeUnrecorded(volume, rawNode);
                return Csi.ControllerUnpublishVolumeResponse.getDefaultInstance();
            }
            detach(volume, current, leaving, "unpublished");
        }
        return Csi.ControllerUnpublishVolumeResponse.getDefaultInstance();
    }

    /**
     * Revokes then forgets {@code leaving}; caller holds the volume's lock. Backend errors propagate with their code
     * and leave the record; a persistence failure after the revoke leaves the record too (safe) and answers UNAVAILABLE.
     */
    void detach(VolumeId volume, List<Attachment> current, List<Attachment> leaving, String why) {
        for (Attachment a : leaving) {
            backend.revokeHost(volume, a.node().hostNqn());
        }
        List<Attachment> next = current.stream().filter(a -> !leaving.contains(a)).toList();
        try {
            store.save(volume, next);
        } catch (RuntimeException e) {
            throw asUnavailable("record the detach of volume '" + volume + "' from " + names(leaving), e);
        }
        registry.put(volume, next);
        Instant now = clock.instant();
        for (Attachment a : leaving) {
            grace.detached(volume, a.node(), now);
            events.post(volume, false, FencingEvents.VOLUME_DETACHED, "volume " + volume + " detached from node "
                    + a.node().nodeName() + " (" + why + ")");
        }
    }

    /**
     * Nothing recorded for this node: still make sure the target does not let it in (a grant may have outlived a lost
     * record). Only for a well-formed node id that no other attachment of the volume uses.
     */
    private void revokeUnrecorded(VolumeId volume, String rawNode) {
        if (rawNode.isEmpty()) {
            return;
        }
        try {
            NodeId node = NodeId.parse(rawNode);
            boolean sharedNqn = registry.get(volume).stream().anyMatch(a -> a.node().hostNqn().equals(node.hostNqn()));
            if (!sharedNqn && backend.get(volume).isPresent()) {
                backend.revokeHost(volume, node.hostNqn());
            }
        } catch (IllegalArgumentException malformed) {
            // Never issued by Tether, so never published: nothing to revoke.
        }
    }

    // ------------------------------------------------------------------ helpers

    private void requireServing() {
        gate.notServing().ifPresent(why -> {
            throw new UnavailableException("this controller is not serving attachments now: " + why);
        });
    }

    private static NodeId parseNode(String raw) {
        try {
            return NodeId.parse(raw);
        } catch (IllegalArgumentException e) {
            throw new NotFoundException("node_id '" + raw + "' does not exist: " + e.getMessage());
        }
    }

    private static String required(String value, String field) {
        if (value.isEmpty()) {
            throw new InvalidArgumentException(field + " is missing");
        }
        return value;
    }

    private static UnavailableException asUnavailable(String what, RuntimeException e) {
        if (e instanceof UnavailableException u) {
            return new UnavailableException("could not " + what + ": " + u.getMessage(), u);
        }
        return new UnavailableException("could not " + what + ": " + e.getMessage(), e);
    }

    static String names(List<Attachment> attachments) {
        return attachments.stream().map(a -> a.node().nodeName()).collect(Collectors.joining(", "));
    }

    Duration migrationWindow() {
        return settings.migrationWindow();
    }
}
