package dev.tether.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The quick start's first command keeps telling the story it promises: each chapter's decision is really made. */
class DemoIT {
    @TempDir
    Path dir;

    @Test
    void theDemoShowsConflictHandoffMigrationAndStaleClearing() throws Exception {
        Path jar = Path.of(System.getProperty("basedir", "."), "target", "tether-demo.jar");
        Path log = dir.resolve("demo.log");
        Process demo = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-jar", jar.toString()))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertThat(demo.waitFor(120, TimeUnit.SECONDS)).as("demo finished").isTrue();
        String out = Files.readString(log);
        assertThat(demo.exitValue()).as(out).isZero();
        assertThat(out)
                .contains("<- FAILED_PRECONDITION")
                .contains("<- ABORTED")
                .contains("AttachmentConflict")
                .contains("StaleAttachmentCleared")
                .contains("MigrationWindowExceeded")
                .contains("tether_attachment_conflicts_total")
                .doesNotContain("was not cleared within");
    }
}
