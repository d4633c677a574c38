package dev.tether.controller;

import static org.assertj.core.api.Assertions.assertThat;

import csi.v1.Csi;
import dev.tether.driver.conformance.ControllerRules;
import dev.tether.driver.conformance.IdentityRules;
import dev.tether.driver.testing.AppProcess;
import dev.tether.driver.testing.ServedApp;
import dev.tether.driver.testing.CsiClient;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Our CSI conformance suite, controller part: the shipped jar in standalone mode with the fake backend, checked over
 * its real unix socket against the spec's rules, RPC by RPC.
 */
class ControllerConformanceIT {
    @TempDir
    static Path dir;
    private static ServedApp app;
    private static CsiClient client;

    @BeforeAll
    static void start() throws Exception {
        Path socket = dir.resolve("controller.sock");
        app = ServedApp.start(AppProcess.jar("controller", "tether-controller.jar"), dir.resolve("controller.log"), socket,
                List.of("--kubeconfig", "none", "--backend", "fake",
                        "--metrics-address", ""));
        client = app.client();
    }

    @AfterAll
    static void stop() throws Exception {
        if (app != null) {
            app.close();
        }
    }

    @Test
    void identityFollowsTheSpec() {
        IdentityRules.check(client.identity(), true);
    }

    @Test
    void onlineExpansionIsAdvertisedBecauseTheControllerExpands() {
        assertThat(client.controller().controllerGetCapabilities(Csi.ControllerGetCapabilitiesRequest.getDefaultInstance())
                .getCapabilitiesList()).anyMatch(c -> c.getRpc().getType() == Csi.ControllerServiceCapability.RPC.Type.EXPAND_VOLUME);
        assertThat(client.identity().getPluginCapabilities(Csi.GetPluginCapabilitiesRequest.getDefaultInstance())
                .getCapabilitiesList()).filteredOn(Csi.PluginCapability::hasVolumeExpansion)
                .extracting(c -> c.getVolumeExpansion().getType())
                .containsExactly(Csi.PluginCapability.VolumeExpansion.Type.ONLINE);
    }

    @Test
    void withoutTopologyNoConstraintIsAdvertisedAndRequestedTopologyIsNotHeldAgainstTheCall() {
        assertThat(client.identity().getPluginCapabilities(Csi.GetPluginCapabilitiesRequest.getDefaultInstance())
                .getCapabilitiesList()).noneMatch(c -> c.getService().getType()
                        == Csi.PluginCapability.Service.Type.VOLUME_ACCESSIBILITY_CONSTRAINTS);
        Csi.Topology somewhere = Csi.Topology.newBuilder().putSegments("topology.tether.csi.dev/rack", "r9").build();
        Csi.Volume volume = client.controller().createVolume(Csi.CreateVolumeRequest.newBuilder().setName("no-topology")
                .addVolumeCapabilities(Csi.VolumeCapability.newBuilder()
                        .setBlock(Csi.VolumeCapability.BlockVolume.getDefaultInstance())
                        .setAccessMode(Csi.VolumeCapability.AccessMode.newBuilder()
                                .setMode(Csi.VolumeCapability.AccessMode.Mode.SINGLE_NODE_WRITER)))
                .setAccessibilityRequirements(Csi.TopologyRequirement.newBuilder().addRequisite(somewhere))
                .build()).getVolume();
        assertThat(volume.getAccessibleTopologyList()).isEmpty();
        assertThat(client.controller().getCapacity(Csi.GetCapacityRequest.newBuilder().setAccessibleTopology(somewhere).build())
                .getAvailableCapacity()).isPositive();
        client.controller().deleteVolume(Csi.DeleteVolumeRequest.newBuilder().setVolumeId(volume.getVolumeId()).build());
    }

    @Test
    void controllerCapabilitiesTellTheTruthAndMalformedRequestsAreRejected() {
        ControllerRules.check(client.controller());
    }
}
