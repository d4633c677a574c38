package dev.tether.controller.volumes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import csi.v1.Csi;
import csi.v1.Csi.VolumeCapability.AccessMode.Mode;
import dev.tether.controller.PublishedNodes;
import dev.tether.controller.backend.FakeBackend;
import dev.tether.driver.error.AbortedException;
import dev.tether.driver.error.AlreadyExistsException;
import dev.tether.driver.error.CsiException;
import dev.tether.driver.error.FailedPreconditionException;
import dev.tether.driver.error.InvalidArgumentException;
import dev.tether.driver.error.NotFoundException;
import dev.tether.driver.error.OutOfRangeException;
import dev.tether.driver.error.ResourceExhaustedException;
import dev.tether.driver.model.VolumeId;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class VolumeServiceTest {
    static final long MIB = 1L << 20;
    final FakeBackend backend = new FakeBackend(10L << 30, Clock.systemUTC());
    final Map<VolumeId, Set<String>> published = new HashMap<>();
    final PublishedNodes publishedNodes = v -> published.getOrDefault(v, Set.of());
    final VolumeService service = new VolumeService(backend, publishedNodes, new SimpleMeterRegistry());

    static Csi.VolumeCapability mount(Mode mode) {
        return Csi.VolumeCapability.newBuilder().setMount(Csi.VolumeCapability.MountVolume.newBuilder().setFsType("ext4"))
                .setAccessMode(Csi.VolumeCapability.AccessMode.newBuilder().setMode(mode)).build();
    }

    static Csi.VolumeCapability block(Mode mode) {
        return Csi.VolumeCapability.newBuilder().setBlock(Csi.VolumeCapability.BlockVolume.getDefaultInstance())
                .setAccessMode(Csi.VolumeCapability.AccessMode.newBuilder().setMode(mode)).build();
    }

    static Csi.CreateVolumeRequest.Builder request(String name, long required) {
        return Csi.CreateVolumeRequest.newBuilder().setName(name)
                .setCapacityRange(Csi.CapacityRange.newBuilder().setRequiredBytes(required))
                .addVolumeCapabilities(mount(Mode.SINGLE_NODE_WRITER));
    }

    Csi.Volume create(String name, long required) {
        return service.createVolume(request(name, required).build()).getVolume();
    }

    @Test
    void advertisesWhatItServesButNotPublish() {
        assertThat(service.capabilities()).contains(Csi.ControllerServiceCapability.RPC.Type.CREATE_DELETE_VOLUME,
                Csi.ControllerServiceCapability.RPC.Type.LIST_VOLUMES_PUBLISHED_NODES, Csi.ControllerServiceCapability.RPC.Type.CLONE_VOLUME)
                .doesNotContain(Csi.ControllerServiceCapability.RPC.Type.PUBLISH_UNPUBLISH_VOLUME);
    }

    @Test
    void createRoundsUpToWholeMibAndIsIdempotentByName() {
        Csi.Volume volume = create("pvc-1", 10 * MIB + 1);
        assertThat(volume.getCapacityBytes()).isEqualTo(11 * MIB);
        assertThat(volume.getVolumeId()).isEqualTo("pvc-1");
        assertThat(volume.getVolumeContextMap()).containsEntry("fastIoFailTmo", "5").containsEntry("fsType", "ext4");
        assertThat(create("pvc-1", 10 * MIB + 1)).isEqualTo(volume);
        assertThatThrownBy(() -> create("pvc-1", 20 * MIB)).isInstanceOf(AlreadyExistsException.class);
        assertThatThrownBy(() -> service.createVolume(request("pvc-1", 10 * MIB + 1).putParameters("fastIoFailTmo", "7").build()))
                .isInstanceOf(AlreadyExistsException.class);
        assertThat(create("pvc-2", 0).getCapacityBytes()).isEqualTo(1L << 30);
    }

    @Test
    void namesThatAreNotIdsGetADistinctSafeId() {
        String id1 = create("My Volume/1", MIB).getVolumeId();
        String id2 = create("My Volume/2", MIB).getVolumeId();
        assertThat(id1).matches("[a-z0-9][a-z0-9._-]{0,99}").startsWith("my-volume-1-").isNotEqualTo(id2);
        assertThat(create("x".repeat(128), MIB).getVolumeId()).hasSizeLessThanOrEqualTo(100);
    }

    @Test
    void capacityOutsideTheRangeIsOutOfRangeAndTooBigIsResourceExhausted() {
        Csi.CreateVolumeRequest tight = request("t", 10 * MIB + 1).setCapacityRange(
                Csi.CapacityRange.newBuilder().setRequiredBytes(10 * MIB + 1).setLimitBytes(10 * MIB + 100)).build();
        assertThatThrownBy(() -> service.createVolume(tight)).isInstanceOf(OutOfRangeException.class).hasMessageContaining("whole MiB");
        Csi.CreateVolumeRequest inverted = request("i", 5 * MIB).setCapacityRange(
                Csi.CapacityRange.newBuilder().setRequiredBytes(5 * MIB).setLimitBytes(MIB)).build();
        assertThatThrownBy(() -> service.createVolume(inverted)).isInstanceOf(OutOfRangeException.class);
        Csi.CreateVolumeRequest limited = request("l", 0).setCapacityRange(Csi.CapacityRange.newBuilder().setLimitBytes(3 * MIB + 5)).build();
        assertThat(service.createVolume(limited).getVolume().getCapacityBytes()).isEqualTo(3 * MIB);
        assertThatThrownBy(() -> create("huge", 11L << 30)).isInstanceOf(ResourceExhaustedException.class);
        assertThat(backend.list()).extracting(v -> v.id().value()).containsExactly("l");
    }

    @Test
    void badRequestsAreInvalidArgumentNamingTheField() {
        assertThatThrownBy(() -> service.createVolume(request("", MIB).build())).hasMessageContaining("name is missing");
        assertThatThrownBy(() -> service.createVolume(request("v", MIB).clearVolumeCapabilities().build()))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("volume_capabilities is missing");
        assertThatThrownBy(() -> service.createVolume(request("v", MIB).putParameters("ctrlLossTmo", "soon").build()))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("ctrlLossTmo").hasMessageContaining("soon");
        assertThatThrownBy(() -> service.createVolume(request("v", MIB).putParameters("fastIoFailTmo", "-1").build()))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("fastIoFailTmo");
        assertThatThrownBy(() -> service.createVolume(request("v", MIB).putParameters("prot", "4420").build()))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("prot");
        assertThatThrownBy(() -> service.createVolume(request("v", MIB).putParameters("fsType", "ntfs").build()))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("fsType 'ntfs'");
        assertThat(service.createVolume(request("v", MIB).putParameters("csi.storage.k8s.io/pvc/name", "data").build())
                .getVolume().getVolumeId()).isEqualTo("v");
        assertThat(backend.list()).hasSize(1);
    }

    @Test
    void theProvisionersClaimReachesTheNodeThroughTheVolumeContext() {
        Csi.CreateVolumeRequest withClaim = request("pvc-9", MIB).putParameters("csi.storage.k8s.io/pvc/name", "data")
                .putParameters("csi.storage.k8s.io/pvc/namespace", "shop").putParameters("csi.storage.k8s.io/pv/name", "pvc-9").build();
        Csi.Volume volume = service.createVolume(withClaim).getVolume();
        assertThat(volume.getVolumeContextMap()).containsEntry("pvcName", "data").containsEntry("pvcNamespace", "shop")
                .containsEntry("pvName", "pvc-9").containsEntry("nqn", "nqn.2026-01.dev.tether:pvc-9")
                .doesNotContainKey("csi.storage.k8s.io/pvc/name");
        assertThat(service.createVolume(withClaim).getVolume()).as("a retry answers the same").isEqualTo(volume);
        assertThat(service.createVolume(request("half", MIB).putParameters("csi.storage.k8s.io/pvc/name", "data").build())
                .getVolume().getVolumeContextMap()).as("a name without a namespace names no claim")
                .doesNotContainKeys("pvcName", "pvcNamespace", "pvName");
    }

    @Test
    void multiNodeIsForBlockVolumesOnly() {
        assertThatThrownBy(() -> service.createVolume(request("m", MIB).setVolumeCapabilities(0, mount(Mode.MULTI_NODE_MULTI_WRITER)).build()))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("only block volumes support multi-node");
        assertThatThrownBy(() -> service.createVolume(request("m", MIB).setVolumeCapabilities(0, block(Mode.MULTI_NODE_READER_ONLY)).build()))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("MULTI_NODE_READER_ONLY");
        assertThat(service.createVolume(request("b", MIB).setVolumeCapabilities(0, block(Mode.MULTI_NODE_MULTI_WRITER)).build())
                .getVolume().getVolumeId()).isEqualTo("b");
    }

    @Test
    void deleteIsIdempotentAndRefusedWhilePublished() {
        create("v", MIB);
        published.put(new VolumeId("v"), Set.of("node-a/nqn.2014-08.org.nvmexpress:uuid:1"));
        assertThatThrownBy(() -> service.deleteVolume(Csi.DeleteVolumeRequest.newBuilder().setVolumeId("v").build()))
                .isInstanceOf(FailedPreconditionException.class).hasMessageContaining("node-a");
        published.clear();
        service.deleteVolume(Csi.DeleteVolumeRequest.newBuilder().setVolumeId("v").build());
        service.deleteVolume(Csi.DeleteVolumeRequest.newBuilder().setVolumeId("v").build());
        service.deleteVolume(Csi.DeleteVolumeRequest.newBuilder().setVolumeId("Not An Id!").build());
        assertThat(backend.list()).isEmpty();
        assertThatThrownBy(() -> service.deleteVolume(Csi.DeleteVolumeRequest.getDefaultInstance()))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("volume_id");
    }

    @Test
    void validateConfirmsServedCapabilitiesOnly() {
        create("v", MIB);
        Csi.ValidateVolumeCapabilitiesResponse ok = service.validateVolumeCapabilities(Csi.ValidateVolumeCapabilitiesRequest.newBuilder()
                .setVolumeId("v").addVolumeCapabilities(block(Mode.SINGLE_NODE_WRITER)).build());
        assertThat(ok.hasConfirmed()).isTrue();
        Csi.ValidateVolumeCapabilitiesResponse no = service.validateVolumeCapabilities(Csi.ValidateVolumeCapabilitiesRequest.newBuilder()
                .setVolumeId("v").addVolumeCapabilities(mount(Mode.MULTI_NODE_MULTI_WRITER)).build());
        assertThat(no.hasConfirmed()).isFalse();
        assertThat(no.getMessage()).contains("MULTI_NODE_MULTI_WRITER");
        assertThatThrownBy(() -> service.validateVolumeCapabilities(Csi.ValidateVolumeCapabilitiesRequest.newBuilder()
                .setVolumeId("nope").addVolumeCapabilities(block(Mode.SINGLE_NODE_WRITER)).build())).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> service.validateVolumeCapabilities(Csi.ValidateVolumeCapabilitiesRequest.newBuilder().setVolumeId("v").build()))
                .isInstanceOf(InvalidArgumentException.class);
    }

    @Test
    void listPagesWithStableTokensAcrossDeletesAndRejectsForeignTokens() {
        for (String name : List.of("a", "b", "c", "d", "e")) {
            create(name, MIB);
        }
        published.put(new VolumeId("a"), Set.of("n1/nqn.2014-08.org.nvmexpress:uuid:1"));
        Csi.ListVolumesResponse first = service.listVolumes(Csi.ListVolumesRequest.newBuilder().setMaxEntries(2).build());
        assertThat(first.getEntriesList()).extracting(e -> e.getVolume().getVolumeId()).containsExactly("a", "b");
        assertThat(first.getEntries(0).getStatus().getPublishedNodeIdsList()).containsExactly("n1/nqn.2014-08.org.nvmexpress:uuid:1");
        assertThat(first.getEntries(0).getStatus().getVolumeCondition().getAbnormal()).isFalse();
        backend.delete(new VolumeId("c"));
        create("bb", MIB);
        List<String> rest = new ArrayList<>();
        String token = first.getNextToken();
        while (!token.isEmpty()) {
            Csi.ListVolumesResponse page = service.listVolumes(Csi.ListVolumesRequest.newBuilder().setMaxEntries(2).setStartingToken(token).build());
            page.getEntriesList().forEach(e -> rest.add(e.getVolume().getVolumeId()));
            token = page.getNextToken();
        }
        // Pages continue after the last id handed out: entries deleted meanwhile are skipped, none is repeated.
        assertThat(rest).containsExactly("d", "e");
        assertThatThrownBy(() -> service.listVolumes(Csi.ListVolumesRequest.newBuilder().setStartingToken("invalid-token").build()))
                .isInstanceOf(AbortedException.class);
        assertThat(service.listVolumes(Csi.ListVolumesRequest.getDefaultInstance()).getNextToken()).isEmpty();
    }

    @Test
    void capacityAndExpansion() {
        Csi.GetCapacityResponse capacity = service.getCapacity(Csi.GetCapacityRequest.getDefaultInstance());
        assertThat(capacity.getAvailableCapacity()).isEqualTo(10L << 30);
        assertThat(capacity.getMinimumVolumeSize().getValue()).isEqualTo(MIB);
        assertThatThrownBy(() -> service.getCapacity(Csi.GetCapacityRequest.newBuilder().putParameters("keepAliveTmo", "0").build()))
                .isInstanceOf(InvalidArgumentException.class);
        assertThat(service.getCapacity(Csi.GetCapacityRequest.newBuilder().addVolumeCapabilities(mount(Mode.MULTI_NODE_MULTI_WRITER)).build())
                .getAvailableCapacity()).isZero();

        create("v", 10 * MIB);
        Csi.ControllerExpandVolumeResponse mountGrow = service.expandVolume(Csi.ControllerExpandVolumeRequest.newBuilder().setVolumeId("v")
                .setCapacityRange(Csi.CapacityRange.newBuilder().setRequiredBytes(20 * MIB + 7)).setVolumeCapability(mount(Mode.SINGLE_NODE_WRITER)).build());
        assertThat(mountGrow.getCapacityBytes()).isEqualTo(21 * MIB);
        assertThat(mountGrow.getNodeExpansionRequired()).isTrue();
        Csi.ControllerExpandVolumeResponse blockGrow = service.expandVolume(Csi.ControllerExpandVolumeRequest.newBuilder().setVolumeId("v")
                .setCapacityRange(Csi.CapacityRange.newBuilder().setRequiredBytes(30 * MIB)).setVolumeCapability(block(Mode.SINGLE_NODE_WRITER)).build());
        assertThat(blockGrow.getNodeExpansionRequired()).isFalse();
        assertThat(service.getVolume(Csi.ControllerGetVolumeRequest.newBuilder().setVolumeId("v").build()).getVolume().getCapacityBytes())
                .isEqualTo(30 * MIB);
        assertThatThrownBy(() -> service.expandVolume(Csi.ControllerExpandVolumeRequest.newBuilder().setVolumeId("nope")
                .setCapacityRange(Csi.CapacityRange.newBuilder().setRequiredBytes(MIB)).build())).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> service.expandVolume(Csi.ControllerExpandVolumeRequest.newBuilder().setVolumeId("v").build()))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("capacity_range");
    }

    @Test
    void getVolumeReportsPublishedNodesAndCondition() {
        create("v", MIB);
        published.put(new VolumeId("v"), Set.of("n/nqn.2014-08.org.nvmexpress:uuid:1"));
        Csi.ControllerGetVolumeResponse answer = service.getVolume(Csi.ControllerGetVolumeRequest.newBuilder().setVolumeId("v").build());
        assertThat(answer.getStatus().getPublishedNodeIdsList()).containsExactly("n/nqn.2014-08.org.nvmexpress:uuid:1");
        assertThat(answer.getStatus().getVolumeCondition().getAbnormal()).isFalse();
        assertThatThrownBy(() -> service.getVolume(Csi.ControllerGetVolumeRequest.newBuilder().setVolumeId("nope").build()))
                .isInstanceOf(NotFoundException.class);
    }

    @Test
    void snapshotsRestoreAndClone() {
        create("v", 8 * MIB);
        Csi.Snapshot snap = service.createSnapshot(Csi.CreateSnapshotRequest.newBuilder().setName("snap-1").setSourceVolumeId("v").build()).getSnapshot();
        assertThat(snap.getSizeBytes()).isEqualTo(8 * MIB);
        assertThat(snap.getReadyToUse()).isTrue();
        assertThat(service.createSnapshot(Csi.CreateSnapshotRequest.newBuilder().setName("snap-1").setSourceVolumeId("v").build()).getSnapshot())
                .isEqualTo(snap);
        create("w", MIB);
        assertThatThrownBy(() -> service.createSnapshot(Csi.CreateSnapshotRequest.newBuilder().setName("snap-1").setSourceVolumeId("w").build()))
                .isInstanceOf(AlreadyExistsException.class);
        assertThatThrownBy(() -> service.createSnapshot(Csi.CreateSnapshotRequest.newBuilder().setName("s").setSourceVolumeId("nope").build()))
                .isInstanceOf(NotFoundException.class);

        Csi.VolumeContentSource fromSnap = Csi.VolumeContentSource.newBuilder()
                .setSnapshot(Csi.VolumeContentSource.SnapshotSource.newBuilder().setSnapshotId(snap.getSnapshotId())).build();
        Csi.Volume restored = service.createVolume(request("r", 0).setVolumeContentSource(fromSnap).build()).getVolume();
        assertThat(restored.getCapacityBytes()).isEqualTo(8 * MIB);
        assertThat(restored.getContentSource()).isEqualTo(fromSnap);
        assertThatThrownBy(() -> service.createVolume(request("r2", 4 * MIB).setVolumeContentSource(fromSnap)
                .setCapacityRange(Csi.CapacityRange.newBuilder().setRequiredBytes(4 * MIB).setLimitBytes(4 * MIB)).build()))
                .isInstanceOf(OutOfRangeException.class).hasMessageContaining("smaller than their source");
        Csi.VolumeContentSource fromMissing = Csi.VolumeContentSource.newBuilder()
                .setVolume(Csi.VolumeContentSource.VolumeSource.newBuilder().setVolumeId("missing")).build();
        assertThatThrownBy(() -> service.createVolume(request("c", MIB).setVolumeContentSource(fromMissing).build()))
                .isInstanceOf(NotFoundException.class);

        assertThat(service.listSnapshots(Csi.ListSnapshotsRequest.newBuilder().setSourceVolumeId("v").build()).getEntriesCount()).isEqualTo(1);
        assertThat(service.listSnapshots(Csi.ListSnapshotsRequest.newBuilder().setSourceVolumeId("w").build()).getEntriesCount()).isZero();
        assertThat(service.listSnapshots(Csi.ListSnapshotsRequest.newBuilder().setSnapshotId("nope").build()).getEntriesCount()).isZero();
        assertThatThrownBy(() -> service.listSnapshots(Csi.ListSnapshotsRequest.newBuilder().setStartingToken("zzz").build()))
                .isInstanceOf(AbortedException.class);
        service.deleteSnapshot(Csi.DeleteSnapshotRequest.newBuilder().setSnapshotId(snap.getSnapshotId()).build());
        service.deleteSnapshot(Csi.DeleteSnapshotRequest.newBuilder().setSnapshotId(snap.getSnapshotId()).build());
        assertThat(service.listSnapshots(Csi.ListSnapshotsRequest.getDefaultInstance()).getEntriesCount()).isZero();
    }

    @Test
    void aSecondOperationOnTheSameNameWhileOneRunsIsAborted() {
        InFlight inFlight = new InFlight();
        try (InFlight.Held held = inFlight.acquire("v")) {
            assertThatThrownBy(() -> inFlight.acquire("v")).isInstanceOf(AbortedException.class);
            assertThat(inFlight.acquire("w")).isNotNull();
        }
        inFlight.acquire("v").close();
    }

    @Test
    void everyErrorIsACsiExceptionNeverSomethingUnknown() {
        assertThatThrownBy(() -> service.createVolume(request("v", -1).build())).isInstanceOf(CsiException.class);
    }
}
