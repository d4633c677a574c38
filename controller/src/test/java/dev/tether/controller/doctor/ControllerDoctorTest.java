package dev.tether.controller.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.controller.backend.BackendKind;
import dev.tether.driver.doctor.CheckResult;
import dev.tether.driver.doctor.CheckStatus;
import dev.tether.driver.doctor.DoctorReport;
import dev.tether.driver.sys.Sysfs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The controller's backend doctor on fake trees and files (the SSH reachability check is in ControllerDoctorIT). */
class ControllerDoctorTest {
    @TempDir
    Path root;

    NvmetSettings local(long minFree) {
        return new NvmetSettings(NvmetSettings.Mode.local, "/sys/kernel/config/nvmet", "/srv/tether", minFree,
                "", 22, root.resolve("key"), root.resolve("known_hosts"));
    }

    NvmetSettings ssh(String host, int port) {
        return new NvmetSettings(NvmetSettings.Mode.ssh, "/sys/kernel/config/nvmet", "/srv/tether", 0,
                host, port, root.resolve("key"), root.resolve("known_hosts"));
    }

    Map<String, CheckResult> run(BackendKind kind, NvmetSettings settings) {
        return DoctorReport.run(BackendDoctors.forBackend(kind, settings, new Sysfs(root)).checks()).results().stream()
                .collect(Collectors.toMap(CheckResult::name, Function.identity()));
    }

    void healthyLocalTarget() throws IOException {
        for (String dir : new String[] {"sys/kernel/config/nvmet/subsystems/nqn.2026-01.dev.tether:v1",
                "sys/kernel/config/nvmet/ports/1", "sys/kernel/config/nvmet/hosts", "sys/module/nvmet_tcp", "srv/tether"}) {
            Files.createDirectories(root.resolve(dir));
        }
    }

    @Test
    void healthyLocalTargetPasses() throws IOException {
        healthyLocalTarget();
        Map<String, CheckResult> results = run(BackendKind.nvmet, local(0));
        assertThat(results.values()).allSatisfy(r -> assertThat(r.status()).as(r.name() + ": " + r.detail()).isEqualTo(CheckStatus.OK));
        assertThat(results.get("nvmet configfs").detail()).contains("1 subsystems, 1 ports");
        assertThat(results.get("backing dir").detail()).matches("/srv/tether, [0-9.]+ GiB free");
        assertThat(Files.list(root.resolve("srv/tether")).toList()).as("the write probe is cleaned up").isEmpty();
    }

    @Test
    void missingConfigfsAndTargetModuleFailWithTheModprobeFix() {
        Map<String, CheckResult> results = run(BackendKind.nvmet, local(0));
        assertThat(results.get("nvmet configfs").status()).isEqualTo(CheckStatus.FAIL);
        assertThat(results.get("nvmet configfs").fix()).contains("modprobe nvmet nvmet-tcp");
        assertThat(results.get("kernel module nvmet_tcp").status()).isEqualTo(CheckStatus.FAIL);
        assertThat(results.get("backing dir").status()).isEqualTo(CheckStatus.FAIL);
    }

    @Test
    void configfsDirThatIsNotTheNvmetRootFails() throws IOException {
        Files.createDirectories(root.resolve("sys/kernel/config/nvmet"));
        assertThat(run(BackendKind.nvmet, local(0)).get("nvmet configfs").detail()).contains("has no subsystems/");
    }

    @Test
    void lowFreeSpaceWarns() throws IOException {
        healthyLocalTarget();
        CheckResult backing = run(BackendKind.nvmet, local(Long.MAX_VALUE)).get("backing dir");
        assertThat(backing.status()).isEqualTo(CheckStatus.WARN);
        assertThat(backing.detail()).contains("less than");
    }

    @Test
    void readOnlyBackingDirFails() throws IOException {
        healthyLocalTarget();
        Path dir = root.resolve("srv/tether");
        assertThat(dir.toFile().setWritable(false, false)).isTrue();
        try {
            if (Files.isWritable(dir)) {
                return; // running as root: permissions do not stop writes, nothing to observe
            }
            assertThat(run(BackendKind.nvmet, local(0)).get("backing dir").detail()).contains("not writable");
        } finally {
            dir.toFile().setWritable(true, false);
        }
    }

    @Test
    void sshWithKeyAndPinnedHostKeyPassesTheFileChecks() throws IOException {
        Files.writeString(root.resolve("key"), "-----BEGIN OPENSSH PRIVATE KEY-----\nb3Blbn\n-----END OPENSSH PRIVATE KEY-----\n");
        Files.writeString(root.resolve("known_hosts"), "# pinned\nother ssh-rsa AAAA\n[storage-1]:2222 ssh-ed25519 AAAAC3Nz\n");
        Map<String, CheckResult> results = run(BackendKind.nvmet, ssh("storage-1", 2222));
        assertThat(results.get("SSH key").status()).isEqualTo(CheckStatus.OK);
        assertThat(results.get("SSH host key pinned").status()).isEqualTo(CheckStatus.OK);
        assertThat(results.get("SSH host key pinned").detail()).isEqualTo("[storage-1]:2222 ssh-ed25519");
    }

    @Test
    void hashedKnownHostsEntriesAreRecognised() throws Exception {
        byte[] salt = "0123456789abcdefghij".getBytes(StandardCharsets.US_ASCII);
        Mac mac = Mac.getInstance("HmacSHA1");
        mac.init(new SecretKeySpec(salt, "HmacSHA1"));
        String hashed = "|1|" + Base64.getEncoder().encodeToString(salt) + "|"
                + Base64.getEncoder().encodeToString(mac.doFinal("storage-1".getBytes(StandardCharsets.UTF_8)));
        Files.writeString(root.resolve("known_hosts"), hashed + " ecdsa-sha2-nistp256 AAAAE2Vj\n");
        assertThat(run(BackendKind.nvmet, ssh("storage-1", 22)).get("SSH host key pinned").status()).isEqualTo(CheckStatus.OK);
        assertThat(run(BackendKind.nvmet, ssh("storage-2", 22)).get("SSH host key pinned").status()).isEqualTo(CheckStatus.FAIL);
    }

    @Test
    void hostKeyForAnotherPortOrHostIsNotAPin() throws IOException {
        Files.writeString(root.resolve("known_hosts"), "storage-1 ssh-ed25519 AAAAC3Nz\n");
        CheckResult pin = run(BackendKind.nvmet, ssh("storage-1", 2222)).get("SSH host key pinned");
        assertThat(pin.status()).isEqualTo(CheckStatus.FAIL);
        assertThat(pin.detail()).contains("[storage-1]:2222");
        assertThat(pin.fix()).contains("ssh-keyscan -p 2222 storage-1");
    }

    @Test
    void missingOrBogusKeyFails() throws IOException {
        assertThat(run(BackendKind.nvmet, ssh("storage-1", 22)).get("SSH key").status()).isEqualTo(CheckStatus.FAIL);
        Files.writeString(root.resolve("key"), "ssh-ed25519 AAAAC3Nz public key by mistake\n");
        assertThat(run(BackendKind.nvmet, ssh("storage-1", 22)).get("SSH key").detail()).contains("does not hold");
    }

    @Test
    void noSshHostFailsBothNetworkChecksClearly() {
        Map<String, CheckResult> results = run(BackendKind.nvmet, ssh("", 22));
        assertThat(results.get("storage node reachable").detail()).isEqualTo("no SSH host configured");
        assertThat(results.get("SSH host key pinned").fix()).contains("--nvmet-target");
    }

    @Test
    void fakeBackendWarnsThatItIsNotStorage() {
        Map<String, CheckResult> results = run(BackendKind.fake, ssh("", 22));
        assertThat(results).containsOnlyKeys("backend");
        assertThat(results.get("backend").status()).isEqualTo(CheckStatus.WARN);
    }

    @Test
    void sshUnreachableFailsWithinTheTimeout() {
        // Port 1 on loopback: nothing listens there, the connect is refused at once.
        CheckResult reach = new SshReachableCheck("127.0.0.1", 1, Duration.ofSeconds(2)).run();
        assertThat(reach.status()).isEqualTo(CheckStatus.FAIL);
        assertThat(reach.detail()).contains("cannot connect to 127.0.0.1:1");
    }
}
