package dev.tether.charts;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** NOTES.txt: what the operator reads right after helm install, and what to check next. */
class NotesTest {

    @Test
    void defaultsTellWhatIsMissingAndWhatToCheckNext() {
        String notes = Chart.notes(null);
        assertThat(notes).contains("ACTION NEEDED: backend.nvmet.ssh.host is empty")
                .contains("kubectl -n tether create secret generic tether-ssh")
                .contains("kubectl get csidriver tether.csi.dev")
                .contains("kubectl -n tether get pods -l app.kubernetes.io/instance=tether")
                .contains("java -jar /opt/tether/tether-node.jar doctor")
                .contains("java -jar /opt/tether/tether-controller.jar doctor")
                .contains("AttachmentConflict|MigrationWindowExceeded|NvmePathLost|VolumeNeedsPodRestart|GpuBindFailed")
                .contains(":9810/metrics").contains(":9811/metrics")
                .contains("StorageClasses: tether-ext4, tether-block, tether-kubevirt");
    }

    @Test
    void configuredSshInstallDoesNotNagAndFakeBackendWarns() {
        String ssh = Chart.notes("ssh-chart-secret.yaml");
        assertThat(ssh).doesNotContain("ACTION NEEDED").doesNotContain("create secret generic").doesNotContain("WARNING");
        String fake = Chart.notes("fake.yaml");
        assertThat(fake).contains("WARNING: backend.kind=fake").doesNotContain("tether-ssh");
        assertThat(Chart.notes("monitoring-snapshots.yaml")).contains("ServiceMonitor tether is scraped");
    }
}
