package dev.tether.node.mount;

import dev.tether.driver.sys.CommandResult;
import dev.tether.driver.sys.CommandRunner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * mount, umount, blkid, mkfs, resize2fs/xfs_growfs and stat -f as the node uses them, keeping a real
 * {@code proc/self/mountinfo} under the fake root. Like the kernel, a mount needs an existing target, a file system of
 * the requested type on the device, and umount of something not mounted fails. A bind mount keeps the source's
 * device and root, so a bind of a staging mount and the staging mount itself share major:minor.
 */
public final class FakeMountCommands implements CommandRunner {
    private record Line(Path target, String device, String root, String fsType, String source, List<String> options) {
    }

    private final Path root;
    private final CommandRunner next;
    private final List<Line> table = new ArrayList<>();
    public final Map<String, String> filesystems = new HashMap<>();
    public final List<List<String>> ran = new ArrayList<>();
    private int nextMinor = 1;
    private final java.util.Set<String> readOnlySuper = new java.util.HashSet<>();
    /** Where a device's content lives: by default the device path; with a fake kernel, the namespace behind it. */
    private java.util.function.Function<String, String> keyOf = device -> device;
    private final Map<String, String> deviceNumbers = new HashMap<>();

    public FakeMountCommands(Path root, CommandRunner next) {
        this.root = root;
        this.next = next;
        // The fake root itself, as the real / would be.
        table.add(new Line(root, "8:1", "/", "ext4", "/dev/sda1", List.of("rw", "relatime")));
        flush();
    }

    /** Content follows the namespace, not the device name, which changes after a reconnect. */
    public void keyBy(java.util.function.Function<String, String> key) {
        this.keyOf = key;
    }

    @Override
    public synchronized CommandResult run(List<String> argv, Duration timeout) {
        ran.add(argv);
        String cmd = argv.getFirst();
        return switch (cmd) {
            case "mount" -> mount(argv);
            case "umount" -> umount(argv);
            case "blkid" -> blkid(argv);
            case "mkfs.ext4", "mkfs.xfs" -> {
                filesystems.put(keyOf.apply(argv.getLast()), cmd.substring("mkfs.".length()));
                yield ok(argv, "");
            }
            case "resize2fs", "xfs_growfs" -> ok(argv, "");
            case "stat" -> ok(argv, "4096 262144 200000 190000 65536 65000\n");
            default -> next.run(argv, timeout);
        };
    }

    private CommandResult mount(List<String> argv) {
        if (argv.get(1).equals("--bind")) {
            Path source = Path.of(argv.get(2));
            Path target = Path.of(argv.get(3));
            if (!Files.exists(source) || !Files.exists(target)) {
                return fail(argv, 32, "mount: " + target + ": special device " + source + " does not exist.");
            }
            Line over = mountAt(source);
            if (over != null) {
                table.add(new Line(target, over.device(), over.root(), over.fsType(), over.source(), List.of("rw", "relatime")));
            } else if (source.startsWith(root.resolve("dev"))) {
                table.add(new Line(target, "0:5", "/" + source.getFileName(), "devtmpfs", "udev", List.of("rw", "nosuid")));
            } else {
                table.add(new Line(target, "8:1", root.relativize(source).toString(), "ext4", "/dev/sda1", List.of("rw")));
            }
            flush();
            return ok(argv, "");
        }
        if (argv.get(1).equals("-o") && argv.get(2).startsWith("remount,bind")) {
            Path target = Path.of(argv.get(3));
            Line line = mountAt(target);
            if (line == null) {
                return fail(argv, 32, "mount: " + target + ": mount point not mounted or bad option.");
            }
            table.set(table.lastIndexOf(line), new Line(line.target(), line.device(), line.root(), line.fsType(), line.source(),
                    List.of(argv.get(2).endsWith(",ro") ? "ro" : "rw", "relatime")));
            flush();
            return ok(argv, "");
        }
        String fsType = argv.get(2);
        List<String> options = argv.get(3).equals("-o") ? List.of(argv.get(4).split(",")) : List.of();
        String device = argv.get(argv.size() - 2);
        Path target = Path.of(argv.getLast());
        if (!Files.isDirectory(target)) {
            return fail(argv, 32, "mount: " + target + ": mount point does not exist.");
        }
        if (!fsType.equals(filesystems.get(keyOf.apply(device)))) {
            return fail(argv, 32, "mount: " + target + ": wrong fs type, bad option, bad superblock on " + device + ".");
        }
        table.add(new Line(target, deviceNumbers.computeIfAbsent(device, d -> "259:" + nextMinor++), "/", fsType, device,
                List.of(options.contains("ro") ? "ro" : "rw", "relatime")));
        flush();
        return ok(argv, "");
    }

    private CommandResult umount(List<String> argv) {
        Line line = mountAt(Path.of(argv.get(1)));
        if (line == null) {
            return fail(argv, 32, "umount: " + argv.get(1) + ": not mounted.");
        }
        table.remove(table.lastIndexOf(line));
        flush();
        return ok(argv, "");
    }

    private CommandResult blkid(List<String> argv) {
        String device = argv.getLast();
        String fs = filesystems.get(keyOf.apply(device));
        if (fs == null) {
            return fail(argv, 2, "");
        }
        return ok(argv, "DEVNAME=" + device + "\nUUID=0f4e\nTYPE=" + fs + "\n");
    }

    /** The file system on {@code device} hit a write error and went read-only (ext4 journal abort). */
    public synchronized void errorRemount(String deviceKey) {
        readOnlySuper.add(deviceKey);
        flush();
    }

    /** Something outside Tether unmounts (or a reboot): drop every mount at {@code target}. */
    public synchronized void forget(Path target) {
        table.removeIf(l -> l.target().equals(target));
        flush();
    }

    private Line mountAt(Path target) {
        Line found = null;
        for (Line l : table) {
            if (l.target().equals(target.toAbsolutePath().normalize())) {
                found = l;
            }
        }
        return found;
    }

    private void flush() {
        StringBuilder out = new StringBuilder();
        int id = 20;
        for (Line l : table) {
            out.append(id++).append(" 1 ").append(l.device()).append(' ').append(MountTable.escape(l.root())).append(' ')
                    .append(MountTable.escape(l.target().toString())).append(' ').append(String.join(",", l.options()))
                    .append(" shared:1 - ").append(l.fsType()).append(' ').append(l.source())
                    .append(readOnlySuper.contains(keyOf.apply(l.source())) ? " ro\n" : " rw\n");
        }
        try {
            Files.createDirectories(root.resolve("proc/self"));
            Files.writeString(root.resolve("proc/self/mountinfo"), out.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static CommandResult ok(List<String> argv, String out) {
        return new CommandResult(argv, 0, out, "");
    }

    private static CommandResult fail(List<String> argv, int code, String err) {
        return new CommandResult(argv, code, "", err + "\n");
    }
}
