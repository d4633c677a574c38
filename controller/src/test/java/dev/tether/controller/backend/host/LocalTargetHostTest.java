package dev.tether.controller.backend.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tether.driver.sys.CommandResult;
import dev.tether.driver.sys.Sysfs;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalTargetHostTest {
    @TempDir
    Path root;
    final List<List<String>> ran = new ArrayList<>();

    LocalTargetHost host() {
        return new LocalTargetHost(new Sysfs(root), (argv, timeout) -> {
            ran.add(argv);
            return new CommandResult(argv, 0, "ran", "");
        }, Duration.ofSeconds(5));
    }

    @Test
    void pathsResolveUnderTheRootAndStateFilesAreReplacedAtomically() throws Exception {
        LocalTargetHost host = host();
        host.mkdir("/srv");
        host.writeFile("/srv/a.properties", "one");
        host.writeFile("/srv/a.properties", "two");
        host.writeFile("/srv/b.txt", "b");
        assertThat(Files.readString(root.resolve("srv/a.properties"))).isEqualTo("two");
        assertThat(root.resolve("srv/a.properties.tmp")).doesNotExist();
        assertThat(host.readFiles("/srv", ".properties")).isEqualTo(Map.of("a.properties", "two"));
        assertThat(host.readFiles("/nope", ".properties")).isEmpty();
        assertThat(host.read("/srv/a.properties")).contains("two");
        assertThat(host.read("/srv/none")).isEmpty();
        assertThat(host.list("/srv")).containsExactly("a.properties", "b.txt");

        host.symlink("/srv/link", "/srv/b.txt");
        assertThat(host.linkTarget("/srv/link")).contains("b.txt");
        host.writeAttribute("/srv/b.txt", "1");
        assertThat(host.read("/srv/link")).contains("1");
        host.remove("/srv/link");
        host.remove("/srv/link");
        assertThat(host.exists("/srv/link")).isFalse();
        assertThatThrownBy(() -> host.writeAttribute("/srv/missing", "1")).isInstanceOf(UncheckedIOException.class);
        assertThatThrownBy(() -> host.rmdir("/srv")).isInstanceOf(UncheckedIOException.class);
    }

    @Test
    void commandsGoToTheRunner() {
        assertThat(host().run(List.of("ss", "-H"), Duration.ofSeconds(1)).stdout()).isEqualTo("ran");
        assertThat(ran).containsExactly(List.of("ss", "-H"));
    }
}
