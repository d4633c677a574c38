package dev.tether.controller.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.controller.backend.BackendOptions;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The doctor reads the controller's own --nvmet-* flags, and still reports on a target the controller would refuse. */
class NvmetSettingsTest {

    private static NvmetSettings parse(String... args) {
        BackendOptions options = new BackendOptions();
        new CommandLine(options).parseArgs(args);
        return NvmetSettings.from(options, 0);
    }

    @Test
    void sshTargetGivesHostPortAndTheMountedKeyFiles() {
        NvmetSettings s = parse("--nvmet-target", "ssh://root@storage-1:2222", "--nvmet-ssh-key", "/k",
                "--nvmet-ssh-known-hosts", "/kh", "--nvmet-backing-dir", "/srv/tether");
        assertThat(s.mode()).isEqualTo(NvmetSettings.Mode.ssh);
        assertThat(s.sshHost()).isEqualTo("storage-1");
        assertThat(s.sshPort()).isEqualTo(2222);
        assertThat(s.sshKeyFile()).hasToString("/k");
        assertThat(s.knownHostsFile()).hasToString("/kh");
        assertThat(s.backingDir()).isEqualTo("/srv/tether");
    }

    @Test
    void localTargetChecksThisHostsConfigfs() {
        NvmetSettings s = parse("--nvmet-target", "local");
        assertThat(s.mode()).isEqualTo(NvmetSettings.Mode.local);
        assertThat(s.configfsDir()).isEqualTo("/sys/kernel/config/nvmet");
    }

    @Test
    void aTargetWithoutHostLeavesTheHostEmptyForTheChecksToReport() {
        NvmetSettings s = parse("--nvmet-target", "ssh://root@:22");
        assertThat(s.mode()).isEqualTo(NvmetSettings.Mode.ssh);
        assertThat(s.sshHost()).isEmpty();
    }
}
