package dev.tether.controller;

import static org.assertj.core.api.Assertions.assertThat;

import csi.v1.Csi;
import csi.v1.Csi.PluginCapability.Service.Type;
import dev.tether.driver.conformance.IdentityRules;
import dev.tether.driver.conformance.RpcProbe;
import dev.tether.driver.testing.AppProcess;
import dev.tether.driver.testing.ServedApp;
import dev.tether.driver.testing.CsiClient;
import io.grpc.Status;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped controller jar with --accessible-topology, driven over its real unix socket the way csi-provisioner
 * drives it with topology on: requisite/preferred from the nodes' segments, GetCapacity per segment.
 */
class ControllerTopologyIT {
    static final String RACK = "topology.tether.csi.dev/rack";
    @TempDir
    static Path dir;
    private static ServedApp app;
    private static CsiClient client;

    @BeforeAll
    static void start() throws Exception {
        Path socket = dir.resolve("controller.sock");
        app = ServedApp.start(AppProcess.jar("controller", "tether-controller.jar"), dir.resolve("controller.log"), socket,
                List.of("--kubeconfig", "none", "--backend", "fake",
                        "--metrics-address", "", "--accessible-topology", RACK + "=r1"));
        client = app.client();
    }

    @AfterAll
    static void stop() throws Exception {
        if (app != null) {
            app.close();
        }
    }

    static Csi.Topology rack(String value) {
        return Csi.Topology.newBuilder().putSegments(RACK, value).build();
    }

    static Csi.CreateVolumeRequest create(String name, Csi.TopologyRequirement requirement) {
        return Csi.CreateVolumeRequest.newBuilder().setName(name)
                .setCapacityRange(Csi.CapacityRange.newBuilder().setRequiredBytes(1L << 20))
                .addVolumeCapabilities(Csi.VolumeCapability.newBuilder()
                        .setMount(Csi.VolumeCapability.MountVolume.newBuilder().setFsType("ext4"))
                        .setAccessMode(Csi.VolumeCapability.AccessMode.newBuilder()
                                .setMode(Csi.VolumeCapability.AccessMode.Mode.SINGLE_NODE_WRITER)))
                .setAccessibilityRequirements(requirement).build();
    }

    @Test
    void identityAdvertisesAccessibilityConstraintsNextToTheControllerService() {
        assertThat(client.identity().getPluginCapabilities(Csi.GetPluginCapabilitiesRequest.getDefaultInstance())
                .getCapabilitiesList()).filteredOn(Csi.PluginCapability::hasService).extracting(c -> c.getService().getType())
                .containsExactlyInAnyOrder(Type.CONTROLLER_SERVICE, Type.VOLUME_ACCESSIBILITY_CONSTRAINTS);
        IdentityRules.check(client.identity(), true);
    }

    @Test
    void aRequisiteThatIncludesOurRackIsServedAndTheVolumeSaysWhereItIsReachable() {
        Csi.TopologyRequirement both = Csi.TopologyRequirement.newBuilder().addRequisite(rack("r2")).addRequisite(rack("r1"))
                .addPreferred(rack("r2")).addPreferred(rack("r1")).build();

        Csi.Volume volume = client.controller().createVolume(create("in-r1", both)).getVolume();

        assertThat(volume.getAccessibleTopologyList()).containsExactly(rack("r1"));
    }

    @Test
    void aRequisiteOfOtherRacksOnlyIsResourceExhaustedNamingThemAndNoVolumeIsCreated() {
        Csi.TopologyRequirement elsewhere = Csi.TopologyRequirement.newBuilder().addRequisite(rack("r2")).addRequisite(rack("r3"))
                .addPreferred(rack("r3")).build();

        Status status = RpcProbe.statusOf(() -> client.controller().createVolume(create("in-r2", elsewhere)));

        assertThat(status.getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        assertThat(status.getDescription()).contains(RACK + "=r1").contains("r2").contains("r3");
        assertThat(client.controller().listVolumes(Csi.ListVolumesRequest.getDefaultInstance()).getEntriesList())
                .noneMatch(e -> e.getVolume().getVolumeId().equals("in-r2"));
    }

    @Test
    void capacityIsReportedForOurRackAndZeroForAnother() {
        assertThat(client.controller().getCapacity(Csi.GetCapacityRequest.newBuilder().setAccessibleTopology(rack("r1")).build())
                .getAvailableCapacity()).isPositive();
        assertThat(client.controller().getCapacity(Csi.GetCapacityRequest.newBuilder().setAccessibleTopology(rack("r2")).build())
                .getAvailableCapacity()).isZero();
    }
}
