package dev.tether.controller.volumes;

import com.google.protobuf.Int64Value;
import com.google.protobuf.Timestamp;
import csi.v1.Csi;
import csi.v1.Csi.ControllerServiceCapability.RPC.Type;
import dev.tether.controller.PublishedNodes;
import dev.tether.controller.backend.BackendSnapshot;
import dev.tether.controller.backend.BackendVolume;
import dev.tether.controller.backend.Capacity;
import dev.tether.controller.backend.SnapshotId;
import dev.tether.controller.backend.StorageBackend;
import dev.tether.driver.model.VolumeContextKeys;
import dev.tether.controller.backend.VolumeHealth;
import dev.tether.controller.backend.VolumeParameters;
import dev.tether.controller.backend.VolumeSource;
import dev.tether.controller.backend.VolumeSpec;
import dev.tether.driver.error.FailedPreconditionException;
import dev.tether.driver.error.InvalidArgumentException;
import dev.tether.driver.error.NotFoundException;
import dev.tether.driver.model.VolumeId;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The volume lifecycle half of the CSI Controller service (CSI v1.12): validates, guards one operation per volume,
 * and delegates to the {@link StorageBackend}. Publish state comes from {@link PublishedNodes} (the fencing registry).
 */
public final class VolumeService implements VolumeRpcs {
    private static final String VOLUMES = "volumes";
    private static final String SNAPSHOTS = "snapshots";

    private final StorageBackend backend;
    private final PublishedNodes published;
    private final Placement placement;
    private final InFlight inFlight = new InFlight();
    private final Counter created;
    private final Counter deleted;

    public VolumeService(StorageBackend backend, PublishedNodes published, MeterRegistry registry) {
        this(backend, published, Placement.ANYWHERE, registry);
    }

    public VolumeService(StorageBackend backend, PublishedNodes published, Placement placement, MeterRegistry registry) {
        this.backend = backend;
        this.published = published;
        this.placement = placement;
        this.created = Counter.builder("tether_volumes_created_total").tag("backend", backend.name())
                .description("Volumes created (a repeated CreateVolume of an existing volume is not counted)").register(registry);
        this.deleted = Counter.builder("tether_volumes_deleted_total").tag("backend", backend.name())
                .description("DeleteVolume calls that removed a volume").register(registry);
    }

    @Override
    public List<Type> capabilities() {
        return List.of(Type.CREATE_DELETE_VOLUME, Type.LIST_VOLUMES, Type.GET_CAPACITY, Type.CREATE_DELETE_SNAPSHOT,
                Type.LIST_SNAPSHOTS, Type.CLONE_VOLUME, Type.EXPAND_VOLUME, Type.LIST_VOLUMES_PUBLISHED_NODES,
                Type.VOLUME_CONDITION, Type.GET_VOLUME, Type.SINGLE_NODE_MULTI_WRITER);
    }

    // ------------------------------------------------------------------ create / delete

    @Override
    public Csi.CreateVolumeResponse createVolume(Csi.CreateVolumeRequest request) {
        if (request.getName().isEmpty()) {
            throw new InvalidArgumentException("name is missing");
        }
        VolumeParameters parameters = VolumeParameters.parse(request.getParametersMap());
        Capabilities.require(request.getVolumeCapabilitiesList(), "volume_capabilities",
                request.getParametersMap().get(VolumeContextKeys.FS_TYPE));
        VolumeSource source = source(request);
        long minimum = switch (source.kind()) {
            case NONE -> 0;
            case SNAPSHOT -> backend.getSnapshot(new SnapshotId(source.id())).map(BackendSnapshot::sizeBytes).orElse(0L);
            case VOLUME -> backend.get(new VolumeId(source.id())).map(BackendVolume::capacityBytes).orElse(0L);
        };
        long size = CapacityRanges.size(request.getCapacityRange(), minimum);
        placement.check(request);
        VolumeId id = new VolumeId(Names.toId(request.getName()));
        try (InFlight.Held held = inFlight.acquire(id.value())) {
            boolean existed = backend.get(id).isPresent();
            BackendVolume volume = backend.create(new VolumeSpec(id, request.getName(), size, parameters, source));
            if (!existed) {
                created.increment();
            }
            Csi.Volume.Builder answer = toVolume(volume).putAllVolumeContext(ClaimContext.from(request.getParametersMap()));
            if (source.kind() != VolumeSource.Kind.NONE) {
                answer.setContentSource(request.getVolumeContentSource());
            }
            return Csi.CreateVolumeResponse.newBuilder().setVolume(answer).build();
        }
    }

    private static VolumeSource source(Csi.CreateVolumeRequest request) {
        if (!request.hasVolumeContentSource()) {
            return VolumeSource.NONE;
        }
        Csi.VolumeContentSource content = request.getVolumeContentSource();
        return switch (content.getTypeCase()) {
            case SNAPSHOT -> {
                String id = content.getSnapshot().getSnapshotId();
                if (!SnapshotId.isValid(id)) {
                    throw new NotFoundException("volume_content_source.snapshot.snapshot_id '" + id + "' does not exist");
                }
                yield VolumeSource.snapshot(new SnapshotId(id));
            }
            case VOLUME -> {
                String id = content.getVolume().getVolumeId();
                if (!VolumeId.isValid(id)) {
                    throw new NotFoundException("volume_content_source.volume.volume_id '" + id + "' does not exist");
                }
                yield VolumeSource.volume(new VolumeId(id));
            }
            default -> throw new InvalidArgumentException("volume_content_source has neither snapshot nor volume");
        };
    }

    @Override
    public Csi.DeleteVolumeResponse deleteVolume(Csi.DeleteVolumeRequest request) {
        String raw = required(request.getVolumeId(), "volume_id");
        if (!VolumeId.isValid(raw)) {
            return Csi.DeleteVolumeResponse.getDefaultInstance();
        }
        VolumeId id = new VolumeId(raw);
        try (InFlight.Held held = inFlight.acquire(raw)) {
            published.exclusively(id, () -> {
                Set<String> nodes = published.publishedNodeIds(id);
                if (!nodes.isEmpty()) {
                    throw new FailedPreconditionException("volume '" + id + "' is still published to " + new TreeSet<>(nodes)
                            + "; ControllerUnpublishVolume it first");
                }
                boolean existed = backend.get(id).isPresent();
                backend.delete(id);
                if (existed) {
                    deleted.increment();
                }
            });
            return Csi.DeleteVolumeResponse.getDefaultInstance();
        }
    }

    // ------------------------------------------------------------------ queries

    @Override
    public Csi.ValidateVolumeCapabilitiesResponse validateVolumeCapabilities(Csi.ValidateVolumeCapabilitiesRequest request) {
        VolumeId id = existingId(request.getVolumeId());
        if (request.getVolumeCapabilitiesCount() == 0) {
            throw new InvalidArgumentException("volume_capabilities is missing");
        }
        BackendVolume volume = backend.get(id).orElseThrow(() -> notFound(id));
        try {
            VolumeParameters.parse(request.getParametersMap());
        } catch (InvalidArgumentException e) {
            return Csi.ValidateVolumeCapabilitiesResponse.newBuilder().setMessage(e.getMessage()).build();
        }
        String fsType = volume.parameters().get(VolumeContextKeys.FS_TYPE);
        for (int i = 0; i < request.getVolumeCapabilitiesCount(); i++) {
            Optional<String> problem = Capabilities.problem(request.getVolumeCapabilities(i), "volume_capabilities[" + i + "]", fsType);
            if (problem.isPresent()) {
                return Csi.ValidateVolumeCapabilitiesResponse.newBuilder().setMessage(problem.get()).build();
            }
        }
        return Csi.ValidateVolumeCapabilitiesResponse.newBuilder()
                .setConfirmed(Csi.ValidateVolumeCapabilitiesResponse.Confirmed.newBuilder()
                        .addAllVolumeCapabilities(request.getVolumeCapabilitiesList())
                        .putAllVolumeContext(request.getVolumeContextMap())
                        .putAllParameters(request.getParametersMap())
                        .putAllMutableParams(request.getMutableParamsMap()))
                .build();
    }

    @Override
    public Csi.ListVolumesResponse listVolumes(Csi.ListVolumesRequest request) {
        if (request.getMaxEntries() < 0) {
            throw new InvalidArgumentException("max_entries " + request.getMaxEntries() + " must not be negative");
        }
        String start = PageToken.decode(VOLUMES, request.getStartingToken());
        List<BackendVolume> page = backend.list().stream().filter(v -> v.id().value().compareTo(start) >= 0).toList();
        Csi.ListVolumesResponse.Builder answer = Csi.ListVolumesResponse.newBuilder();
        int limit = request.getMaxEntries() == 0 ? page.size() : Math.min(request.getMaxEntries(), page.size());
        for (BackendVolume volume : page.subList(0, limit)) {
            answer.addEntries(Csi.ListVolumesResponse.Entry.newBuilder()
                    .setVolume(toVolume(volume))
                    .setStatus(Csi.ListVolumesResponse.VolumeStatus.newBuilder()
                            .addAllPublishedNodeIds(new TreeSet<>(published.publishedNodeIds(volume.id())))
                            .setVolumeCondition(condition(backend.health(volume.id())))));
        }
        if (limit < page.size()) {
            answer.setNextToken(PageToken.encode(VOLUMES, page.get(limit).id().value()));
        }
        return answer.build();
    }

    @Override
    public Csi.GetCapacityResponse getCapacity(Csi.GetCapacityRequest request) {
        VolumeParameters parameters = VolumeParameters.parse(request.getParametersMap());
        for (int i = 0; i < request.getVolumeCapabilitiesCount(); i++) {
            if (Capabilities.problem(request.getVolumeCapabilities(i), "volume_capabilities[" + i + "]", parameters.fsType()).isPresent()) {
                // Capacity usable with a capability we do not serve is none.
                return Csi.GetCapacityResponse.newBuilder().setAvailableCapacity(0).build();
            }
        }
        if (placement.constrained() && request.hasAccessibleTopology() && !placement.serves(request.getAccessibleTopology())) {
            // Nodes there cannot reach this target: none of its capacity is usable from them.
            return Csi.GetCapacityResponse.newBuilder().setAvailableCapacity(0).build();
        }
        Capacity capacity = backend.capacity();
        long maximum = capacity.maximumVolumeBytes() / CapacityRanges.UNIT * CapacityRanges.UNIT;
        return Csi.GetCapacityResponse.newBuilder()
                .setAvailableCapacity(capacity.availableBytes())
                .setMaximumVolumeSize(Int64Value.of(maximum))
                .setMinimumVolumeSize(Int64Value.of(CapacityRanges.UNIT))
                .build();
    }

    @Override
    public Csi.ControllerGetVolumeResponse getVolume(Csi.ControllerGetVolumeRequest request) {
        VolumeId id = existingId(request.getVolumeId());
        BackendVolume volume = backend.get(id).orElseThrow(() -> notFound(id));
        return Csi.ControllerGetVolumeResponse.newBuilder()
                .setVolume(toVolume(volume))
                .setStatus(Csi.ControllerGetVolumeResponse.VolumeStatus.newBuilder()
                        .addAllPublishedNodeIds(new TreeSet<>(published.publishedNodeIds(id)))
                        .setVolumeCondition(condition(backend.health(id))))
                .build();
    }

    // ------------------------------------------------------------------ expand

    @Override
    public Csi.ControllerExpandVolumeResponse expandVolume(Csi.ControllerExpandVolumeRequest request) {
        VolumeId id = existingId(request.getVolumeId());
        if (!request.hasCapacityRange()) {
            throw new InvalidArgumentException("capacity_range is missing");
        }
        if (request.hasVolumeCapability()) {
            Optional<String> problem = Capabilities.problem(request.getVolumeCapability(), "volume_capability", null);
            if (problem.isPresent()) {
                throw new InvalidArgumentException(problem.get());
            }
        }
        long size = CapacityRanges.size(request.getCapacityRange(), 0);
        try (InFlight.Held held = inFlight.acquire(id.value())) {
            BackendVolume current = backend.get(id).orElseThrow(() -> notFound(id));
            long limit = request.getCapacityRange().getLimitBytes();
            if (limit > 0 && current.capacityBytes() > limit) {
                throw new InvalidArgumentException("capacity_range.limit_bytes " + limit + " is below the volume's current "
                        + current.capacityBytes() + " bytes; volumes do not shrink");
            }
            BackendVolume grown = backend.expand(id, size);
            boolean block = request.hasVolumeCapability() && request.getVolumeCapability().hasBlock();
            return Csi.ControllerExpandVolumeResponse.newBuilder()
                    .setCapacityBytes(grown.capacityBytes())
                    .setNodeExpansionRequired(!block)
                    .build();
        }
    }

    // ------------------------------------------------------------------ snapshots

    @Override
    public Csi.CreateSnapshotResponse createSnapshot(Csi.CreateSnapshotRequest request) {
        String name = required(request.getName(), "name");
        VolumeId source = existingId(required(request.getSourceVolumeId(), "source_volume_id"));
        if (!request.getParametersMap().isEmpty()) {
            throw new InvalidArgumentException("parameters: snapshots take none, got " + new TreeSet<>(request.getParametersMap().keySet()));
        }
        SnapshotId id = new SnapshotId(Names.toId(name));
        try (InFlight.Held held = inFlight.acquire("snapshot/" + id.value())) {
            boolean inUse = !published.publishedNodeIds(source).isEmpty();
            BackendSnapshot snapshot = backend.createSnapshot(id, name, source, inUse);
            return Csi.CreateSnapshotResponse.newBuilder().setSnapshot(toSnapshot(snapshot)).build();
        }
    }

    @Override
    public Csi.DeleteSnapshotResponse deleteSnapshot(Csi.DeleteSnapshotRequest request) {
        String raw = required(request.getSnapshotId(), "snapshot_id");
        if (SnapshotId.isValid(raw)) {
            try (InFlight.Held held = inFlight.acquire("snapshot/" + raw)) {
                backend.deleteSnapshot(new SnapshotId(raw));
            }
        }
        return Csi.DeleteSnapshotResponse.getDefaultInstance();
    }

    @Override
    public Csi.ListSnapshotsResponse listSnapshots(Csi.ListSnapshotsRequest request) {
        if (request.getMaxEntries() < 0) {
            throw new InvalidArgumentException("max_entries " + request.getMaxEntries() + " must not be negative");
        }
        String start = PageToken.decode(SNAPSHOTS, request.getStartingToken());
        List<BackendSnapshot> all;
        if (!request.getSnapshotId().isEmpty()) {
            all = SnapshotId.isValid(request.getSnapshotId())
                    ? backend.getSnapshot(new SnapshotId(request.getSnapshotId())).stream().toList() : List.of();
        } else {
            all = backend.listSnapshots();
        }
        List<BackendSnapshot> page = all.stream()
                .filter(s -> request.getSourceVolumeId().isEmpty() || s.source().value().equals(request.getSourceVolumeId()))
                .filter(s -> s.id().value().compareTo(start) >= 0)
                .toList();
        int limit = request.getMaxEntries() == 0 ? page.size() : Math.min(request.getMaxEntries(), page.size());
        Csi.ListSnapshotsResponse.Builder answer = Csi.ListSnapshotsResponse.newBuilder();
        page.subList(0, limit).forEach(s -> answer.addEntries(Csi.ListSnapshotsResponse.Entry.newBuilder().setSnapshot(toSnapshot(s))));
        if (limit < page.size()) {
            answer.setNextToken(PageToken.encode(SNAPSHOTS, page.get(limit).id().value()));
        }
        return answer.build();
    }

    // ------------------------------------------------------------------ helpers

    private static String required(String value, String field) {
        if (value.isEmpty()) {
            throw new InvalidArgumentException(field + " is missing");
        }
        return value;
    }

    /** A volume id from a request: missing is INVALID_ARGUMENT; one Tether could never have issued is NOT_FOUND. */
    private static VolumeId existingId(String raw) {
        required(raw, "volume_id");
        if (!VolumeId.isValid(raw)) {
            throw new NotFoundException("volume '" + raw + "' does not exist (not a Tether volume id)");
        }
        return new VolumeId(raw);
    }

    private static NotFoundException notFound(VolumeId id) {
        return new NotFoundException("volume '" + id + "' does not exist");
    }

    private Csi.Volume.Builder toVolume(BackendVolume volume) {
        Csi.Volume.Builder answer = Csi.Volume.newBuilder()
                .setVolumeId(volume.id().value())
                .setCapacityBytes(volume.capacityBytes())
                .putAllVolumeContext(volume.volumeContext())
                .addAllAccessibleTopology(placement.accessibleTopology());
        Function<VolumeSource, Optional<Csi.VolumeContentSource>> content = s -> switch (s.kind()) {
            case NONE -> Optional.empty();
            case SNAPSHOT -> Optional.of(Csi.VolumeContentSource.newBuilder()
                    .setSnapshot(Csi.VolumeContentSource.SnapshotSource.newBuilder().setSnapshotId(s.id())).build());
            case VOLUME -> Optional.of(Csi.VolumeContentSource.newBuilder()
                    .setVolume(Csi.VolumeContentSource.VolumeSource.newBuilder().setVolumeId(s.id())).build());
        };
        content.apply(volume.source()).ifPresent(answer::setContentSource);
        return answer;
    }

    private static Csi.VolumeCondition condition(VolumeHealth health) {
        return Csi.VolumeCondition.newBuilder().setAbnormal(health.abnormal()).setMessage(health.message()).build();
    }

    private static Csi.Snapshot toSnapshot(BackendSnapshot snapshot) {
        return Csi.Snapshot.newBuilder()
                .setSnapshotId(snapshot.id().value())
                .setSourceVolumeId(snapshot.source().value())
                .setSizeBytes(snapshot.sizeBytes())
                .setCreationTime(Timestamp.newBuilder().setSeconds(snapshot.createdAt().getEpochSecond())
                        .setNanos(snapshot.createdAt().getNano()))
                .setReadyToUse(true)
                .build();
    }
}
