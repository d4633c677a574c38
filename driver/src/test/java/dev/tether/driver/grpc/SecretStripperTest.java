package dev.tether.driver.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import csi.v1.Csi;
import org.junit.jupiter.api.Test;

class SecretStripperTest {

    @Test
    void secretMapValuesAreMaskedButKeysAndOtherFieldsStay() {
        Csi.CreateVolumeRequest request = Csi.CreateVolumeRequest.newBuilder()
                .setName("pvc-1")
                .putParameters("port", "4420")
                .putSecrets("sshPrivateKey", "-----BEGIN KEY----- hunter2")
                .build();
        String shown = SecretStripper.describe(request);
        assertThat(shown).contains("pvc-1").contains("4420").contains("sshPrivateKey").contains(SecretStripper.MASK)
                .doesNotContain("hunter2");
        assertThat(request.getSecretsMap()).containsEntry("sshPrivateKey", "-----BEGIN KEY----- hunter2");
    }

    @Test
    void secretsOfEveryRequestThatCarriesThemAreMasked() {
        var stage = Csi.NodeStageVolumeRequest.newBuilder().setVolumeId("v").putSecrets("k", "s3cr3t").build();
        var publish = Csi.ControllerPublishVolumeRequest.newBuilder().setVolumeId("v").putSecrets("k", "s3cr3t").build();
        var snapshot = Csi.CreateSnapshotRequest.newBuilder().setName("s").putSecrets("k", "s3cr3t").build();
        for (var message : java.util.List.of(stage, publish, snapshot)) {
            assertThat(SecretStripper.describe(message)).doesNotContain("s3cr3t").contains(SecretStripper.MASK);
        }
    }

    @Test
    void nestedMessagesAreWalked() {
        // ListVolumesResponse nests entries; nothing there is secret, so the text must come through intact.
        var response = Csi.ListVolumesResponse.newBuilder()
                .addEntries(Csi.ListVolumesResponse.Entry.newBuilder()
                        .setVolume(Csi.Volume.newBuilder().setVolumeId("vol-7").putVolumeContext("nqn", "nqn.x")))
                .build();
        assertThat(SecretStripper.describe(response)).contains("vol-7").contains("nqn.x");
    }
}
