package dev.tether.node.mount;

import dev.tether.driver.error.FailedPreconditionException;
import dev.tether.driver.error.InternalException;
import dev.tether.driver.sys.CommandResult;
import dev.tether.driver.sys.CommandRunner;
import dev.tether.driver.sys.Sysfs;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** util-linux, e2fsprogs and xfsprogs as argv lists with timeouts; each change is read back from mountinfo. */
public final class SystemMounter implements Mounter {
    /** Exit code of blkid -p when it found nothing on the device. */
    private static final int BLKID_NOTHING = 2;

    /** {@code quick} bounds mount, umount and probes; {@code slow} bounds mkfs and growing a file system. */
    public record Limits(Duration quick, Duration slow) {
    }

    private final Sysfs sysfs;
    private final CommandRunner commands;
    private final Limits limits;

    public SystemMounter(Sysfs sysfs, CommandRunner commands, Limits limits) {
        this.sysfs = sysfs;
        this.commands = commands;
        this.limits = limits;
    }

    @Override
    public List<MountPoint> mounts() {
        return MountTable.parse(sysfs.read("/proc/self/mountinfo").orElse(""));
    }

    @Override
    public void mount(Path device, Path target, String fsType, List<String> options) {
        List<String> argv = new ArrayList<>(List.of("mount", "-t", fsType));
        if (!options.isEmpty()) {
            argv.add("-o");
            argv.add(String.join(",", options));
        }
        argv.add(device.toString());
        argv.add(target.toString());
        check(commands.run(argv, limits.quick()));
        if (mountAt(target).isEmpty()) {
            throw new InternalException(String.join(" ", argv) + " succeeded but " + target + " is not in the mount table");
        }
    }

    @Override
    public void bindMount(Path source, Path target, boolean readOnly) {
        check(commands.run(List.of("mount", "--bind", source.toString(), target.toString()), limits.quick()));
        if (readOnly) {
            // A bind mount takes the source's flags; read-only needs a remount of the bind mount alone.
            CommandResult ro = commands.run(List.of("mount", "-o", "remount,bind,ro", target.toString()), limits.quick());
            if (!ro.ok()) {
                commands.run(List.of("umount", target.toString()), limits.quick());
                check(ro);
            }
        }
        Optional<MountPoint> mounted = mountAt(target);
        if (mounted.isEmpty() || mounted.get().readOnly() != readOnly) {
            throw new InternalException("bind mount of " + source + " on " + target + " reads back as "
                    + mounted.map(m -> String.join(",", m.options())).orElse("not mounted"));
        }
    }

    @Override
    public void unmount(Path target) {
        check(commands.run(List.of("umount", target.toString()), limits.quick()));
        if (mountAt(target).isPresent()) {
            throw new InternalException("umount " + target + " succeeded but it is still mounted (stacked mounts?)");
        }
    }

    @Override
    public FsProbe probe(Path device) {
        CommandResult r = commands.run(List.of("blkid", "-p", "-o", "export", device.toString()), limits.quick());
        if (r.exitCode() == BLKID_NOTHING) {
            return FsProbe.EMPTY;
        }
        check(r);
        String type = null;
        String table = null;
        for (String line : r.stdout().split("\n")) {
            if (line.startsWith("TYPE=")) {
                type = line.substring(5).strip();
            } else if (line.startsWith("PTTYPE=")) {
                table = line.substring(7).strip();
            }
        }
        if (type == null && table == null) {
            throw new FailedPreconditionException("blkid found something on " + device + " it cannot name: " + r.stdout().strip()
                    + "; refusing to format it");
        }
        return new FsProbe(Optional.ofNullable(type), Optional.ofNullable(table));
    }

    @Override
    public void format(Path device, String fsType) {
        // No discard: on a thin NVMe/TCP namespace it sends the whole volume over the wire for nothing.
        List<String> argv = switch (fsType) {
            case "ext4" -> List.of("mkfs.ext4", "-q", "-E", "nodiscard", device.toString());
            case "xfs" -> List.of("mkfs.xfs", "-q", "-K", device.toString());
            default -> throw new IllegalArgumentException("unsupported file system " + fsType);
        };
        check(commands.run(argv, limits.slow()));
        Optional<String> now = probe(device).fsType();
        if (!now.equals(Optional.of(fsType))) {
            throw new InternalException(String.join(" ", argv) + " succeeded but blkid reads " + now.orElse("nothing"));
        }
    }

    @Override
    public void grow(Path device, Path mountPoint, String fsType) {
        List<String> argv = switch (fsType) {
            case "ext4" -> List.of("resize2fs", device.toString());
            case "xfs" -> List.of("xfs_growfs", "-d", mountPoint.toString());
            default -> throw new IllegalArgumentException("unsupported file system " + fsType);
        };
        check(commands.run(argv, limits.slow()));
    }

    @Override
    public FsUsage usage(Path mountPoint) {
        CommandResult r = commands.run(List.of("stat", "-f", "-c", "%S %b %f %a %c %d", mountPoint.toString()), limits.quick());
        check(r);
        String[] f = r.stdout().strip().split("\\s+");
        if (f.length != 6) {
            throw new InternalException("unexpected stat -f output for " + mountPoint + ": " + r.stdout().strip());
        }
        long block = Long.parseLong(f[0]);
        long blocks = Long.parseLong(f[1]);
        long free = Long.parseLong(f[2]);
        long avail = Long.parseLong(f[3]);
        return new FsUsage(blocks * block, avail * block, (blocks - free) * block, Long.parseLong(f[4]), Long.parseLong(f[5]));
    }

    private static void check(CommandResult result) {
        if (!result.ok()) {
            throw new InternalException(result.summary());
        }
    }
}
