package dev.tether.controller.backend.nvmet;

import dev.tether.controller.backend.host.TargetHost;
import dev.tether.driver.sys.CommandResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * An in-memory storage node whose configfs behaves like nvmet on 6.1 where the backend relies on it (checked in the lab,
 * see docs/backend.md): enable needs device_path and an existing file; device_path is busy while enabled; a port's
 * address is busy while it links a subsystem; allowed_hosts links need hosts/NQN; a subsystem linked by a port or with
 * children cannot be removed; a linked host cannot be removed; unlinking a subsystem from a port drops its connections.
 * Files and the coreutils/iproute2 commands the backend runs are emulated on an in-memory file tree. Tests can
 * connect hosts, make the next matching operation fail (a crash mid-way), and switch off reflink or ss -K.
 */
final class FakeNvmetHost implements TargetHost {
    static final String ROOT = NvmetConfigfs.ROOT;

    /** A host's TCP connection to a port (target side). */
    record Conn(int port, String peer, String host, String subsystem) {
    }

    private final Set<String> dirs = new HashSet<>();
    private final Map<String, String> attrs = new HashMap<>();
    private final Map<String, String> links = new HashMap<>();
    private final Map<String, String> files = new HashMap<>();
    private final Map<String, Long> sizes = new HashMap<>();
    final List<Conn> connections = new ArrayList<>();
    final List<String> log = new ArrayList<>();
    private final List<String> failures = new ArrayList<>();
    final Set<Integer> busyPorts = new HashSet<>();
    boolean reflink = true;
    boolean sockDestroy = true;
    long freeBytes = 100L << 30;
    boolean configfsLoaded = true;
    private int nextPeerPort = 40000;

    FakeNvmetHost() {
        for (String d : List.of("/", ROOT, ROOT + "/subsystems", ROOT + "/ports", ROOT + "/hosts", "/sys", "/sys/module",
                "/sys/module/nvmet_tcp")) {
            dirs.add(d);
        }
    }

    /** The next operation whose description starts with {@code prefix} fails once, as if the controller crashed there. */
    void failNext(String prefix) {
        failures.add(prefix);
    }

    private void step(String what) {
        log.add(what);
        for (String prefix : failures) {
            if (what.startsWith(prefix)) {
                failures.remove(prefix);
                throw io("injected failure: " + what);
            }
        }
    }

    private static UncheckedIOException io(String message) {
        return new UncheckedIOException(new IOException(message));
    }

    private static String parent(String path) {
        int slash = path.lastIndexOf('/');
        return slash <= 0 ? "/" : path.substring(0, slash);
    }

    private static String name(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }

    // ------------------------------------------------------------------ test helpers

    /** A host connects (two queues) if nvmet would accept it: port linked, host allowed, namespace enabled. */
    boolean connect(String hostNqn, String subsystem, int port) {
        String sub = ROOT + "/subsystems/" + subsystem;
        if (!links.containsKey(ROOT + "/ports/" + port + "/subsystems/" + subsystem)
                || !links.containsKey(sub + "/allowed_hosts/" + hostNqn)) {
            return false;
        }
        for (int q = 0; q < 2; q++) {
            connections.add(new Conn(port, "10.0.0.9:" + nextPeerPort++, hostNqn, subsystem));
        }
        return true;
    }

    /** The box restarted: configfs holds only its empty top directories again and no connection is left; files stay. */
    synchronized void rebootTarget() {
        for (String top : List.of("/subsystems/", "/ports/", "/hosts/")) {
            String prefix = ROOT + top;
            dirs.removeIf(d -> d.startsWith(prefix));
            attrs.keySet().removeIf(a -> a.startsWith(prefix));
            links.keySet().removeIf(l -> l.startsWith(prefix));
        }
        connections.clear();
    }

    List<Conn> connectionsOf(String hostNqn) {
        return connections.stream().filter(c -> c.host().equals(hostNqn)).toList();
    }

    boolean isLink(String path) {
        return links.containsKey(path);
    }

    long size(String file) {
        return sizes.getOrDefault(file, -1L);
    }

    String contentOf(String file) {
        return files.get(file);
    }

    void putData(String file, String data) {
        files.put(file, data);
    }

    // ------------------------------------------------------------------ TargetHost

    @Override
    public String describe() {
        return "fake";
    }

    @Override
    public synchronized boolean exists(String path) {
        if (!configfsLoaded && path.startsWith(ROOT)) {
            return false;
        }
        return dirs.contains(path) || attrs.containsKey(path) || links.containsKey(path) || files.containsKey(path);
    }

    @Override
    public synchronized Optional<String> read(String path) {
        if (attrs.containsKey(path)) {
            return Optional.of(attrs.get(path));
        }
        return Optional.ofNullable(files.get(path)).map(String::strip);
    }

    @Override
    public synchronized void writeAttribute(String path, String value) {
        step("write " + path + " " + value);
        if (!attrs.containsKey(path)) {
            throw io("write " + path + ": No such file or directory");
        }
        String dir = parent(path);
        String attr = name(path);
        if (dir.contains("/namespaces/")) {
            boolean enabled = "1".equals(attrs.get(dir + "/enable"));
            if ((attr.equals("device_path") || attr.equals("buffered_io") || attr.equals("device_uuid")) && enabled) {
                throw io("write " + path + ": Device or resource busy");
            }
            if (attr.equals("enable") && value.equals("1")) {
                String device = attrs.get(dir + "/device_path");
                if (device.isEmpty() || !files.containsKey(device)) {
                    throw io("write " + path + ": Invalid argument");
                }
            }
        }
        if (dir.startsWith(ROOT + "/ports/") && attr.startsWith("addr_") && !list(dir + "/subsystems").isEmpty()) {
            throw io("write " + path + ": Device or resource busy");
        }
        attrs.put(path, value);
    }

    @Override
    public synchronized List<String> list(String dir) {
        if (!dirs.contains(dir)) {
            return List.of();
        }
        Set<String> names = new HashSet<>();
        String prefix = dir.equals("/") ? "/" : dir + "/";
        for (Set<String> keys : List.of(dirs, attrs.keySet(), links.keySet(), files.keySet())) {
            for (String p : keys) {
                if (p.startsWith(prefix) && p.length() > prefix.length() && p.indexOf('/', prefix.length()) < 0) {
                    names.add(p.substring(prefix.length()));
                }
            }
        }
        return names.stream().sorted().toList();
    }

    private List<String> children(String dir) {
        String prefix = dir + "/";
        List<String> found = new ArrayList<>();
        for (String p : links.keySet()) {
            if (p.startsWith(prefix)) {
                found.add(p);
            }
        }
        for (String p : dirs) {
            if (p.startsWith(prefix)) {
                found.add(p);
            }
        }
        return found;
    }

    @Override
    public synchronized Optional<String> linkTarget(String path) {
        return Optional.ofNullable(links.get(path)).map(FakeNvmetHost::name);
    }

    @Override
    public synchronized void mkdir(String path) {
        step("mkdir " + path);
        if (exists(path)) {
            throw io("mkdir " + path + ": File exists");
        }
        if (!dirs.contains(parent(path))) {
            throw io("mkdir " + path + ": No such file or directory");
        }
        dirs.add(path);
        String p = parent(path);
        if (p.equals(ROOT + "/subsystems")) {
            dirs.add(path + "/namespaces");
            dirs.add(path + "/allowed_hosts");
            attrs.put(path + "/attr_allow_any_host", "1");
            attrs.put(path + "/attr_model", "Linux");
        } else if (p.endsWith("/namespaces") && p.startsWith(ROOT + "/subsystems/")) {
            attrs.put(path + "/device_path", "");
            attrs.put(path + "/enable", "0");
            attrs.put(path + "/buffered_io", "0");
            attrs.put(path + "/revalidate_size", "");
            attrs.put(path + "/device_uuid", java.util.UUID.randomUUID().toString()); // nvmet picks a random one
        } else if (p.equals(ROOT + "/ports")) {
            dirs.add(path + "/subsystems");
            for (String a : List.of("addr_trtype", "addr_adrfam", "addr_traddr", "addr_trsvcid")) {
                attrs.put(path + "/" + a, "");
            }
        }
    }

    @Override
    public synchronized void rmdir(String path) {
        step("rmdir " + path);
        if (!dirs.contains(path)) {
            throw io("rmdir " + path + ": No such file or directory");
        }
        String p = parent(path);
        if (p.equals(ROOT + "/subsystems")) {
            if (links.values().stream().anyMatch(t -> t.equals(path))) {
                throw io("rmdir " + path + ": Device or resource busy");
            }
            if (!children(path + "/namespaces").isEmpty() || !children(path + "/allowed_hosts").isEmpty()) {
                throw io("rmdir " + path + ": Directory not empty");
            }
        } else if (p.equals(ROOT + "/ports")) {
            if (!children(path + "/subsystems").isEmpty()) {
                throw io("rmdir " + path + ": Directory not empty");
            }
        } else if (p.equals(ROOT + "/hosts")) {
            if (links.values().stream().anyMatch(t -> t.equals(path))) {
                throw io("rmdir " + path + ": Device or resource busy");
            }
        } else if (!children(path).isEmpty()) {
            throw io("rmdir " + path + ": Directory not empty");
        }
        dirs.removeIf(d -> d.equals(path) || d.startsWith(path + "/"));
        attrs.keySet().removeIf(a -> a.startsWith(path + "/"));
    }

    @Override
    public synchronized void symlink(String link, String target) {
        step("symlink " + link);
        if (exists(link)) {
            throw io("ln " + link + ": File exists");
        }
        if (!dirs.contains(parent(link))) {
            throw io("ln " + link + ": No such file or directory");
        }
        if (link.contains("/allowed_hosts/") && !dirs.contains(target)) {
            throw io("ln " + link + ": No such file or directory");
        }
        if (link.startsWith(ROOT + "/ports/")) {
            String port = parent(parent(link));
            if (attrs.get(port + "/addr_traddr").isEmpty() || attrs.get(port + "/addr_trsvcid").isEmpty()) {
                throw io("ln " + link + ": Invalid argument");
            }
            if (busyPorts.contains(Integer.parseInt(attrs.get(port + "/addr_trsvcid")))) {
                throw io("ln " + link + ": Address already in use");
            }
        }
        links.put(link, target);
    }

    @Override
    public synchronized void remove(String path) {
        step("remove " + path);
        if (links.remove(path) != null) {
            if (path.startsWith(ROOT + "/ports/")) {
                int port = Integer.parseInt(name(parent(parent(path))));
                String subsystem = name(path);
                connections.removeIf(c -> c.port() == port && c.subsystem().equals(subsystem));
            }
            return;
        }
        files.remove(path);
        sizes.remove(path);
    }

    @Override
    public synchronized void writeFile(String path, String content) {
        step("writeFile " + path);
        if (!dirs.contains(parent(path))) {
            throw io("write " + path + ": No such file or directory");
        }
        files.put(path, content);
    }

    @Override
    public synchronized Map<String, String> readFiles(String dir, String suffix) {
        Map<String, String> found = new TreeMap<>();
        for (String name : list(dir)) {
            if (name.endsWith(suffix) && files.containsKey(dir + "/" + name)) {
                found.put(name, files.get(dir + "/" + name));
            }
        }
        return found;
    }

    @Override
    public synchronized CommandResult run(List<String> argv, Duration timeout) {
        step("run " + String.join(" ", argv));
        return switch (argv.get(0)) {
            case "mkdir" -> mkdirs(argv, argv.get(argv.size() - 1));
            case "stat" -> stat(argv, argv.get(argv.size() - 1));
            case "truncate" -> truncate(argv, Long.parseLong(argv.get(2)), argv.get(argv.size() - 1));
            case "cp" -> copy(argv, argv.get(1), argv.get(argv.size() - 2), argv.get(argv.size() - 1));
            case "mv" -> move(argv, argv.get(argv.size() - 2), argv.get(argv.size() - 1));
            case "rm" -> {
                files.remove(argv.get(argv.size() - 1));
                sizes.remove(argv.get(argv.size() - 1));
                yield ok(argv, "");
            }
            case "df" -> ok(argv, "Avail\n" + freeBytes + "\n");
            case "test" -> dirs.contains(argv.get(2)) ? ok(argv, "") : new CommandResult(argv, 1, "", "");
            case "ss" -> ss(argv);
            default -> throw new IllegalArgumentException("the fake target does not know " + argv);
        };
    }

    private static CommandResult ok(List<String> argv, String out) {
        return new CommandResult(argv, 0, out, "");
    }

    private CommandResult mkdirs(List<String> argv, String path) {
        String p = path;
        while (!p.equals("/")) {
            dirs.add(p);
            p = parent(p);
        }
        return ok(argv, "");
    }

    private CommandResult stat(List<String> argv, String path) {
        if (!sizes.containsKey(path)) {
            return new CommandResult(argv, 1, "", "stat: cannot statx '" + path + "': No such file or directory");
        }
        return ok(argv, sizes.get(path) + "\n");
    }

    private CommandResult truncate(List<String> argv, long size, String path) {
        if (!dirs.contains(parent(path))) {
            return new CommandResult(argv, 1, "", "truncate: cannot open '" + path + "' for writing: No such file or directory");
        }
        files.putIfAbsent(path, "");
        sizes.put(path, size);
        return ok(argv, "");
    }

    private CommandResult copy(List<String> argv, String mode, String from, String to) {
        if (!sizes.containsKey(from)) {
            return new CommandResult(argv, 1, "", "cp: cannot stat '" + from + "': No such file or directory");
        }
        if (mode.equals("--reflink=always") && !reflink) {
            return new CommandResult(argv, 1, "", "cp: failed to clone '" + to + "' from '" + from + "': Operation not supported");
        }
        files.put(to, files.get(from));
        sizes.put(to, sizes.get(from));
        return ok(argv, "");
    }

    private CommandResult move(List<String> argv, String from, String to) {
        files.put(to, files.remove(from));
        sizes.put(to, sizes.remove(from));
        return ok(argv, "");
    }

    private CommandResult ss(List<String> argv) {
        int port = Integer.parseInt(argv.get(argv.indexOf("=") + 1).substring(1));
        List<Conn> matching = connections.stream().filter(c -> c.port() == port).toList();
        StringBuilder out = new StringBuilder();
        for (Conn c : matching) {
            out.append("0      0      10.0.0.1:").append(port).append(" ").append(c.peer()).append('\n');
        }
        if (argv.contains("-K") && sockDestroy) {
            connections.removeAll(matching);
        }
        return ok(argv, out.toString());
    }

    @Override
    public void close() {
    }
}
