package dev.tether.controller.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.driver.doctor.CheckResult;
import dev.tether.driver.doctor.CheckStatus;
import dev.tether.driver.testing.AppProcess;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reachability against a loopback listener, and {@code java -jar tether-controller.jar doctor} as shipped. */
class ControllerDoctorIT {
    private static final Path JAR = AppProcess.jar("controller", "tether-controller.jar");

    @TempDir
    Path dir;

    @Test
    void sshBannerMeansReachableAndAnythingElseDoesNot() throws Exception {
        assertThat(checkAgainst("SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n").status()).isEqualTo(CheckStatus.OK);
        CheckResult http = checkAgainst("HTTP/1.1 400 Bad Request\r\n");
        assertThat(http.status()).isEqualTo(CheckStatus.FAIL);
        assertThat(http.detail()).contains("not as an SSH server");
    }

    private static CheckResult checkAgainst(String banner) throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread.ofVirtual().start(() -> {
                try (Socket client = server.accept(); OutputStream out = client.getOutputStream()) {
                    out.write(banner.getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                } catch (Exception ignored) {
                    // the check closes first on failure paths
                }
            });
            return new SshReachableCheck("127.0.0.1", server.getLocalPort(), Duration.ofSeconds(5)).run();
        }
    }

    @Test
    void shippedJarRunsDoctorForTheLocalBackendAndExitsOneOnFailure() throws Exception {
        Files.createDirectories(dir.resolve("root/srv/tether"));
        try (AppProcess app = AppProcess.start(JAR, dir.resolve("doctor.log"), List.of("doctor", "--backend", "nvmet",
                "--nvmet-target", "local", "--host-root", dir.resolve("root").toString(), "--nvmet-backing-dir", "/srv/tether",
                "--min-free-gib", "0"))) {
            int code = app.awaitExit(Duration.ofSeconds(60));
            assertThat(app.output()).startsWith("tether-controller doctor (backend nvmet, local)")
                    .contains("fail  nvmet configfs").contains("ok    backing dir")
                    .contains("fix: on the storage node: modprobe nvmet nvmet-tcp");
            assertThat(code).isEqualTo(1);
        }
    }
}
