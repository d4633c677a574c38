package dev.tether.node.nvme;

import dev.tether.driver.sys.CommandResult;
import dev.tether.driver.sys.CommandRunner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The host's nvme-tcp initiator and nvme-cli as Tether relies on them, over a sysfs tree under a temp root: connect
 * creates nvme-subsysN (subsysnqn, controller link nvmeX, head disk nvmeSnN with nsid), /sys/class/nvme/nvmeX with
 * state live, address, hostnqn and fast_io_fail_tmo, the hidden path device nvmeXcYnZ, /sys/class/block and /dev
 * entries. Instance numbers only grow, so a subsystem that comes back gets a new device name, as on the real kernel.
 * A duplicate connect answers EALREADY; a target that is not exported (or does not allow this host) refuses.
 * Other commands are delegated to {@code next}.
 */
public final class FakeNvmeKernel implements CommandRunner {
    private record Export(String address, int port, long sizeBytes) {
    }

    private final Path root;
    private final CommandRunner next;
    private final Map<String, Export> exports = new HashMap<>();
    private final Map<String, String> subsystemOfNqn = new LinkedHashMap<>();
    private int nextSubsys;
    private int nextCtrl;
    public final List<List<String>> ran = new ArrayList<>();

    public FakeNvmeKernel(Path root, CommandRunner next) {
        this.root = root;
        this.next = next;
        mkdirs("sys/class/nvme-subsystem", "sys/class/nvme", "sys/class/block", "dev");
    }

    public FakeNvmeKernel export(String nqn, String address, int port, long sizeBytes) {
        exports.put(nqn, new Export(address, port, sizeBytes));
        return this;
    }

    public void unexport(String nqn) {
        exports.remove(nqn);
    }

    @Override
    public synchronized CommandResult run(List<String> argv, Duration timeout) {
        ran.add(argv);
        if (argv.size() >= 2 && argv.get(0).equals("nvme") && argv.get(1).equals("connect")) {
            return connect(argv);
        }
        if (argv.size() == 4 && argv.get(0).equals("nvme") && argv.get(1).equals("disconnect") && argv.get(2).equals("-n")) {
            int n = disconnectAll(argv.get(3));
            return new CommandResult(argv, 0, "NQN:" + argv.get(3) + " disconnected " + n + " controller(s)\n", "");
        }
        return next.run(argv, timeout);
    }

    private CommandResult connect(List<String> argv) {
        String addr = opt(argv, "-a");
        int port = Integer.parseInt(opt(argv, "-s"));
        String nqn = opt(argv, "-n");
        String hostNqn = opt(argv, "--hostnqn");
        for (String ctrl : controllersOf(nqn)) {
            String address = read("sys/class/nvme/" + ctrl + "/address");
            if (address.startsWith("traddr=" + addr + ",trsvcid=" + port + ",")
                    && read("sys/class/nvme/" + ctrl + "/hostnqn").equals(hostNqn)) {
                return new CommandResult(argv, 1, "", "Failed to write to /dev/nvme-fabrics: Operation already in progress\n"
                        + "could not add new controller: already connected\n");
            }
        }
        Export export = exports.get(nqn);
        if (export == null || !export.address().equals(addr) || export.port() != port) {
            return new CommandResult(argv, 1, "", "could not add new controller: failed to write to nvme-fabrics device\n");
        }
        String subsys = subsystemOfNqn.get(nqn);
        if (subsys == null) {
            subsys = "nvme-subsys" + nextSubsys++;
            subsystemOfNqn.put(nqn, subsys);
            String s = "sys/class/nvme-subsystem/" + subsys;
            write(s + "/subsysnqn", nqn);
            String disk = "nvme" + subsys.substring("nvme-subsys".length()) + "n1";
            write(s + "/" + disk + "/nsid", "1");
            write("sys/class/block/" + disk + "/size", String.valueOf(export.sizeBytes() / 512));
            write("dev/" + disk, "");
        }
        String ctrl = "nvme" + nextCtrl++;
        mkdirs("sys/class/nvme-subsystem/" + subsys + "/" + ctrl);
        String c = "sys/class/nvme/" + ctrl;
        write(c + "/state", "live");
        write(c + "/subsysnqn", nqn);
        write(c + "/hostnqn", hostNqn);
        write(c + "/hostid", opt(argv, "--hostid"));
        write(c + "/address", "traddr=" + addr + ",trsvcid=" + port + ",src_addr=" + addr);
        write(c + "/fast_io_fail_tmo", "off");
        write(c + "/ctrl_loss_tmo", opt(argv, "--ctrl-loss-tmo"));
        write(c + "/rescan_controller", "");
        String pathDisk = ctrl + "c" + ctrl.substring(4) + "n1";
        write(c + "/" + pathDisk + "/nsid", "1");
        return new CommandResult(argv, 0, "", "");
    }

    /** ctrl_loss_tmo expired (or someone ran nvme disconnect -d): the controller goes, with the subsystem if last. */
    public synchronized void deleteController(String ctrl) {
        String nqn = read("sys/class/nvme/" + ctrl + "/subsysnqn");
        String subsys = subsystemOfNqn.get(nqn);
        delete("sys/class/nvme/" + ctrl);
        delete("sys/class/nvme-subsystem/" + subsys + "/" + ctrl);
        if (controllersOf(nqn).isEmpty()) {
            String disk = "nvme" + subsys.substring("nvme-subsys".length()) + "n1";
            delete("sys/class/nvme-subsystem/" + subsys);
            delete("sys/class/block/" + disk);
            delete("dev/" + disk);
            subsystemOfNqn.remove(nqn);
        }
    }

    public synchronized void setState(String ctrl, String state) {
        write("sys/class/nvme/" + ctrl + "/state", state);
    }

    /** The target grew the namespace; the host sees it after a rescan (modelled at once). */
    public synchronized void resize(String nqn, long sizeBytes) {
        Export e = exports.get(nqn);
        exports.put(nqn, new Export(e.address(), e.port(), sizeBytes));
        Optional.ofNullable(subsystemOfNqn.get(nqn)).ifPresent(subsys -> write(
                "sys/class/block/nvme" + subsys.substring("nvme-subsys".length()) + "n1/size", String.valueOf(sizeBytes / 512)));
    }

    /** The subsystem NQN behind a /dev path of a namespace head disk, if it is one. */
    public synchronized Optional<String> nqnOfDevice(String devPath) {
        String name = Path.of(devPath).getFileName().toString();
        return subsystemOfNqn.entrySet().stream()
                .filter(e -> name.equals("nvme" + e.getValue().substring("nvme-subsys".length()) + "n1"))
                .map(Map.Entry::getKey).findFirst();
    }

    public synchronized List<String> controllersOf(String nqn) {
        String subsys = subsystemOfNqn.get(nqn);
        if (subsys == null) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(root.resolve("sys/class/nvme-subsystem/" + subsys))) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.matches("nvme\\d+")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private int disconnectAll(String nqn) {
        List<String> ctrls = controllersOf(nqn);
        ctrls.forEach(this::deleteController);
        return ctrls.size();
    }

    private static String opt(List<String> argv, String name) {
        int i = argv.indexOf(name);
        if (i < 0 || i + 1 >= argv.size()) {
            throw new IllegalArgumentException("nvme connect without " + name + ": " + argv);
        }
        return argv.get(i + 1);
    }

    private String read(String rel) {
        try {
            return Files.readString(root.resolve(rel)).strip();
        } catch (IOException e) {
            return "";
        }
    }

    private void write(String rel, String value) {
        try {
            Path p = root.resolve(rel);
            Files.createDirectories(p.getParent());
            Files.writeString(p, value + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void mkdirs(String... rels) {
        try {
            for (String rel : rels) {
                Files.createDirectories(root.resolve(rel));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void delete(String rel) {
        Path p = root.resolve(rel);
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(p)) {
            walk.sorted(Comparator.reverseOrder()).forEach(x -> {
                try {
                    Files.delete(x);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
