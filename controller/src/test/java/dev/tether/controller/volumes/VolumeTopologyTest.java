package dev.tether.controller.volumes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import csi.v1.Csi;
import dev.tether.controller.backend.FakeBackend;
import dev.tether.driver.error.ResourceExhaustedException;
import dev.tether.driver.model.TopologySegments;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** CreateVolume, GetCapacity and the volume views with and without --accessible-topology. */
class VolumeTopologyTest {
    static final String RACK = "topology.tether.csi.dev/rack";
    static final String ZONE = "topology.tether.csi.dev/zone";
    final FakeBackend backend = new FakeBackend(10L << 30, Clock.systemUTC());
    final VolumeService rack1 = new VolumeService(backend, v -> Set.of(),
            new Placement(TopologySegments.parse(RACK + "=r1")), new SimpleMeterRegistry());
    final VolumeService anywhere = new VolumeService(backend, v -> Set.of(), new SimpleMeterRegistry());

    static Csi.Topology at(String... keyValues) {
        Csi.Topology.Builder t = Csi.Topology.newBuilder();
        for (int i = 0; i < keyValues.length; i += 2) {
            t.putSegments(keyValues[i], keyValues[i + 1]);
        }
        return t.build();
    }

    static Csi.CreateVolumeRequest create(String name, Csi.TopologyRequirement requirement) {
        Csi.CreateVolumeRequest.Builder request = VolumeServiceTest.request(name, 1L << 20);
        if (requirement != null) {
            request.setAccessibilityRequirements(requirement);
        }
        return request.build();
    }

    @Test
    void everyVolumeIsReachableFromTheConfiguredSegmentAndSaysSoEverywhere() {
        Csi.Volume volume = rack1.createVolume(create("v", null)).getVolume();

        assertThat(volume.getAccessibleTopologyList()).containsExactly(at(RACK, "r1"));
        assertThat(rack1.createVolume(create("v", null)).getVolume()).as("a retry answers the same").isEqualTo(volume);
        assertThat(rack1.getVolume(Csi.ControllerGetVolumeRequest.newBuilder().setVolumeId("v").build())
                .getVolume().getAccessibleTopologyList()).containsExactly(at(RACK, "r1"));
        assertThat(rack1.listVolumes(Csi.ListVolumesRequest.getDefaultInstance()).getEntries(0).getVolume()
                .getAccessibleTopologyList()).containsExactly(at(RACK, "r1"));
    }

    @Test
    void aRequisiteWithOneReachableTopologyIsServedEvenAmongOthers() {
        Csi.TopologyRequirement requirement = Csi.TopologyRequirement.newBuilder()
                .addRequisite(at(RACK, "r2", ZONE, "z")).addRequisite(at(RACK, "r1", ZONE, "z"))
                .addPreferred(at(RACK, "r2", ZONE, "z")).build();

        assertThat(rack1.createVolume(create("v", requirement)).getVolume().getAccessibleTopologyList())
                .containsExactly(at(RACK, "r1"));
    }

    @Test
    void aRequisiteNamingOnlyOtherPlacesIsResourceExhaustedAndCreatesNothing() {
        Csi.TopologyRequirement elsewhere = Csi.TopologyRequirement.newBuilder()
                .addRequisite(at(RACK, "r2")).addRequisite(at(ZONE, "z")).addPreferred(at(RACK, "r2")).build();

        assertThatThrownBy(() -> rack1.createVolume(create("v", elsewhere)))
                .isInstanceOf(ResourceExhaustedException.class)
                .hasMessageContaining(RACK + "=r1").hasMessageContaining("{" + RACK + "=r2}").hasMessageContaining("{" + ZONE + "=z}");
        assertThat(backend.list()).isEmpty();
    }

    @Test
    void preferredAloneNeverFailsTheCallBecauseTheSpecLetsUsPickOurSegment() {
        Csi.TopologyRequirement preferred = Csi.TopologyRequirement.newBuilder().addPreferred(at(RACK, "r2")).build();

        assertThat(rack1.createVolume(create("v", preferred)).getVolume().getAccessibleTopologyList())
                .containsExactly(at(RACK, "r1"));
    }

    @Test
    void capacityIsZeroWhereTheTargetCannotBeReached() {
        long everywhere = rack1.getCapacity(Csi.GetCapacityRequest.getDefaultInstance()).getAvailableCapacity();
        assertThat(everywhere).isPositive();
        assertThat(rack1.getCapacity(Csi.GetCapacityRequest.newBuilder().setAccessibleTopology(at(RACK, "r1", ZONE, "z")).build())
                .getAvailableCapacity()).isEqualTo(everywhere);
        assertThat(rack1.getCapacity(Csi.GetCapacityRequest.newBuilder().setAccessibleTopology(at(RACK, "r2")).build())
                .getAvailableCapacity()).isZero();
        assertThat(rack1.getCapacity(Csi.GetCapacityRequest.newBuilder().setAccessibleTopology(at(ZONE, "z")).build())
                .getAvailableCapacity()).as("a zone is wider than the rack").isZero();
    }

    @Test
    void withoutTopologyRequestsTopologyIsIgnoredAsBefore() {
        Csi.TopologyRequirement elsewhere = Csi.TopologyRequirement.newBuilder().addRequisite(at(RACK, "r2")).build();

        assertThat(anywhere.createVolume(create("v", elsewhere)).getVolume().getAccessibleTopologyList()).isEmpty();
        assertThat(anywhere.getCapacity(Csi.GetCapacityRequest.newBuilder().setAccessibleTopology(at(RACK, "r2")).build())
                .getAvailableCapacity()).isPositive();
        assertThat(new Placement(TopologySegments.NONE).accessibleTopology()).isEmpty();
    }
}
