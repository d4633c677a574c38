package dev.tether.node.mount;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tether.driver.error.FailedPreconditionException;
import dev.tether.driver.error.InternalException;
import dev.tether.driver.sys.CommandResult;
import dev.tether.driver.sys.Sysfs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SystemMounterTest {
    @TempDir
    Path root;
    FakeMountCommands commands;
    SystemMounter mounter;
    Path device;

    @BeforeEach
    void setUp() throws Exception {
        commands = new FakeMountCommands(root, (argv, t) -> new CommandResult(argv, 127, "", "not modelled"));
        mounter = new SystemMounter(new Sysfs(root), commands, new SystemMounter.Limits(Duration.ofSeconds(5), Duration.ofSeconds(60)));
        device = Files.createDirectories(root.resolve("dev")).resolve("nvme0n1");
        Files.createFile(device);
    }

    @Test
    void parsesMountinfoIncludingEscapedPaths() {
        List<MountPoint> mounts = MountTable.parse("""
                22 1 0:21 / /proc rw,nosuid,nodev,noexec,relatime shared:12 - proc proc rw
                36 35 259:3 /sub /var/lib/kubelet/pods/a\\040b/mount ro,relatime shared:1 master:2 - ext4 /dev/nvme1n1 rw
                """);
        assertThat(mounts).hasSize(2);
        MountPoint m = mounts.get(1);
        assertThat(m.target()).isEqualTo(Path.of("/var/lib/kubelet/pods/a b/mount"));
        assertThat(m.device()).isEqualTo("259:3");
        assertThat(m.root()).isEqualTo("/sub");
        assertThat(m.fsType()).isEqualTo("ext4");
        assertThat(m.source()).isEqualTo("/dev/nvme1n1");
        assertThat(m.readOnly()).isTrue();
        assertThat(m.fileSystemReadOnly()).isFalse();
    }

    @Test
    void formatsOnlyABlankDeviceAndVerifiesWithBlkid() {
        assertThat(mounter.probe(device).blank()).isTrue();
        mounter.format(device, "xfs");
        assertThat(mounter.probe(device).fsType()).contains("xfs");
        assertThat(commands.ran).contains(List.of("mkfs.xfs", "-q", "-K", device.toString()));
    }

    @Test
    void somethingBlkidCannotNameIsNeverFormatted() {
        SystemMounter odd = new SystemMounter(new Sysfs(root), (argv, t) -> new CommandResult(argv, 0, "DEVNAME=x\nPART_ENTRY_X=1\n", ""),
                new SystemMounter.Limits(Duration.ofSeconds(5), Duration.ofSeconds(60)));
        assertThatThrownBy(() -> odd.probe(device)).isInstanceOf(FailedPreconditionException.class)
                .hasMessageContaining("refusing to format");
    }

    @Test
    void mountsBindMountsReadOnlyAndUnmountsReadingBackTheTable() throws Exception {
        mounter.format(device, "ext4");
        Path staging = Files.createDirectories(root.resolve("staging"));
        Path target = Files.createDirectories(root.resolve("target"));

        mounter.mount(device, staging, "ext4", List.of("noatime"));
        mounter.bindMount(staging, target, true);

        assertThat(commands.ran).contains(List.of("mount", "-t", "ext4", "-o", "noatime", device.toString(), staging.toString()));
        MountPoint bind = mounter.mountAt(target).orElseThrow();
        assertThat(bind.readOnly()).isTrue();
        assertThat(bind.device()).isEqualTo(mounter.mountAt(staging).orElseThrow().device());
        assertThat(mounter.mountAt(staging).orElseThrow().readOnly()).isFalse();

        mounter.unmount(target);
        assertThat(mounter.mountAt(target)).isEmpty();
        assertThatThrownBy(() -> mounter.unmount(target)).isInstanceOf(InternalException.class).hasMessageContaining("not mounted");
    }

    @Test
    void aMountOfTheWrongFileSystemFailsWithMountsOwnWords() throws Exception {
        mounter.format(device, "xfs");
        Path staging = Files.createDirectories(root.resolve("staging"));
        assertThatThrownBy(() -> mounter.mount(device, staging, "ext4", List.of())).isInstanceOf(InternalException.class)
                .hasMessageContaining("wrong fs type");
        assertThat(mounter.mountAt(staging)).isEmpty();
    }

    @Test
    void usageComesFromStatfs() {
        FsUsage u = mounter.usage(root);
        assertThat(u.totalBytes()).isEqualTo(262144L * 4096);
        assertThat(u.availableBytes()).isEqualTo(190000L * 4096);
        assertThat(u.usedBytes()).isEqualTo((262144L - 200000) * 4096);
        assertThat(u.totalInodes()).isEqualTo(65536);
        assertThat(u.freeInodes()).isEqualTo(65000);
    }
}
