package dev.tether.driver.sys;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SysfsTest {
    @TempDir
    Path root;

    @Test
    void readsWritesLinksAndListsUnderItsRoot() throws Exception {
        Sysfs sysfs = new Sysfs(root);
        Files.createDirectories(root.resolve("sys/bus/pci/drivers/e1000e"));
        Files.createDirectories(root.resolve("sys/bus/pci/devices/0000:00:03.0"));
        Files.writeString(root.resolve("sys/bus/pci/devices/0000:00:03.0/driver_override"), "(null)\n");
        Files.createSymbolicLink(root.resolve("sys/bus/pci/devices/0000:00:03.0/driver"), root.resolve("sys/bus/pci/drivers/e1000e"));

        assertThat(sysfs.read("/sys/bus/pci/devices/0000:00:03.0/driver_override")).contains("(null)");
        assertThat(sysfs.read("/sys/missing")).isEmpty();
        assertThat(sysfs.linkName("/sys/bus/pci/devices/0000:00:03.0/driver")).contains("e1000e");
        assertThat(sysfs.linkName("/sys/bus/pci/devices/0000:00:03.0/driver_override")).isEmpty();
        sysfs.write("/sys/bus/pci/devices/0000:00:03.0/driver_override", "vfio-pci", Duration.ofSeconds(1));
        assertThat(sysfs.read("/sys/bus/pci/devices/0000:00:03.0/driver_override")).contains("vfio-pci");
        assertThat(sysfs.list("/sys/bus/pci/devices/0000:00:03.0")).containsExactly("driver", "driver_override");

        Files.createDirectories(root.resolve("cfg/subsystems"));
        sysfs.mkdir("/cfg/subsystems/nqn.x", Duration.ofSeconds(1));
        sysfs.symlink("/cfg/link", "/cfg/subsystems/nqn.x", Duration.ofSeconds(1));
        assertThat(sysfs.linkName("/cfg/link")).contains("nqn.x");
        sysfs.unlink("/cfg/link", Duration.ofSeconds(1));
        sysfs.rmdir("/cfg/subsystems/nqn.x", Duration.ofSeconds(1));
        assertThat(sysfs.exists("/cfg/subsystems/nqn.x")).isFalse();
    }
}
