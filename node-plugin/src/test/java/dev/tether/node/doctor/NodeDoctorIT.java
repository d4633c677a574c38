package dev.tether.node.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.driver.testing.AppProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code java -jar tether-node.jar doctor} as an operator runs it on a bare host: no TETHER_NODE_NAME, the server's
 * required flags do not apply. Files come from a fake host root; the programs are this machine's.
 */
class NodeDoctorIT {
    private static final Path JAR = AppProcess.jar("node-plugin", "tether-node.jar");

    @TempDir
    Path root;

    @Test
    void doctorRunsWithoutTheServersFlagsAndExitsOneWhenAPrerequisiteIsMissing() throws Exception {
        Files.createDirectories(root.resolve("sys/module/nvme_fabrics"));
        try (AppProcess app = AppProcess.start(JAR, root.resolve("doctor.log"),
                List.of("doctor", "--host-root", root.toString(), "--kubelet-dir", "/var/lib/kubelet"))) {
            int code = app.awaitExit(Duration.ofSeconds(60));
            String out = app.output();
            assertThat(out).startsWith("tether-node doctor (host root " + root + ")");
            assertThat(out).contains("ok    kernel module nvme_fabrics").contains("fail  kubelet dir")
                    .contains("skip  IOMMU").containsPattern("\\d+ failed, \\d+ warnings, \\d+ ok, 2 skipped");
            assertThat(out).doesNotContain("--node-name");
            assertThat(code).isEqualTo(1);
        }
    }

    @Test
    void doctorHelpListsItsFlagsWithTheirEnvironmentVariables() throws Exception {
        try (AppProcess app = AppProcess.start(JAR, root.resolve("help.log"), List.of("doctor", "--help"))) {
            assertThat(app.awaitExit(Duration.ofSeconds(60))).isZero();
            assertThat(app.output()).contains("--kubelet-dir").contains("TETHER_KUBELET_DIR").contains("--gpu-vendors");
        }
    }
}
