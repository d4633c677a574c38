package dev.tether.node.gpu;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;

/**
 * One file per IOMMU group under the state dir ({@code gpu/group-G.journal}), replaced atomically (temp file, fsync,
 * rename, fsync of the directory) so a crash leaves either the old or the new record, never half of one. Also keeps
 * {@code gpu/host-drivers.properties}: the host driver each function had before Tether first bound it to vfio-pci,
 * which is where "return to host" takes it back.
 */
public final class Journal {
    private static final String SUFFIX = ".journal";
    private static final String HOST_DRIVERS = "host-drivers.properties";

    private final Path dir;

    public Journal(Path stateDir) {
        this.dir = stateDir.resolve("gpu");
    }

    public Path dir() {
        return dir;
    }

    public void write(JournalEntry entry) {
        Properties p = new Properties();
        p.setProperty("op", entry.op().label());
        p.setProperty("head", entry.head().value());
        p.setProperty("group", Integer.toString(entry.group()));
        entry.original().forEach((a, b) -> put(p, "original." + a, b));
        entry.target().forEach((a, b) -> put(p, "target." + a, b));
        store(fileOf(entry.group()), p);
    }

    public Optional<JournalEntry> read(int group) {
        Path file = fileOf(group);
        return Files.exists(file) ? Optional.of(parse(load(file))) : Optional.empty();
    }

    /** Every unfinished transition, by group. */
    public List<JournalEntry> unfinished() {
        List<JournalEntry> entries = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return entries;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "group-*" + SUFFIX)) {
            for (Path f : files) {
                entries.add(parse(load(f)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list GPU journals in " + dir + ": " + e.getMessage(), e);
        }
        entries.sort((a, b) -> Integer.compare(a.group(), b.group()));
        return entries;
    }

    public void finish(int group) {
        try {
            Files.deleteIfExists(fileOf(group));
            fsyncDir();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove GPU journal of group " + group + ": " + e.getMessage(), e);
        }
    }

    /** Remembers each function's host driver (not vfio-pci) so unbind can return it there. */
    public void rememberHostDrivers(Map<PciAddress, Binding> original) {
        Properties p = loadHostDrivers();
        boolean changed = false;
        for (var e : original.entrySet()) {
            String driver = e.getValue().driver();
            if (!VfioBinder.VFIO_PCI.equals(driver) && !driver.equals(p.getProperty(e.getKey().value()))) {
                p.setProperty(e.getKey().value(), driver);
                changed = true;
            }
        }
        if (changed) {
            store(dir.resolve(HOST_DRIVERS), p);
        }
    }

    /** The recorded host driver ({@code none} if it had none), or empty if Tether never saw it on the host. */
    public Optional<String> hostDriver(PciAddress address) {
        return Optional.ofNullable(loadHostDrivers().getProperty(address.value()));
    }

    private Properties loadHostDrivers() {
        Path file = dir.resolve(HOST_DRIVERS);
        return Files.exists(file) ? load(file) : new Properties();
    }

    private Path fileOf(int group) {
        return dir.resolve("group-" + group + SUFFIX);
    }

    private static void put(Properties p, String key, Binding b) {
        p.setProperty(key + ".driver", b.driver());
        p.setProperty(key + ".override", b.override().orElse(""));
    }

    private static JournalEntry parse(Properties p) {
        Map<PciAddress, Binding> original = new TreeMap<>();
        Map<PciAddress, Binding> target = new TreeMap<>();
        for (String key : p.stringPropertyNames()) {
            if (!key.endsWith(".driver")) {
                continue;
            }
            String prefix = key.substring(0, key.length() - ".driver".length());
            String override = p.getProperty(prefix + ".override", "");
            Binding b = new Binding(p.getProperty(key), override.isEmpty() ? Optional.empty() : Optional.of(override));
            if (prefix.startsWith("original.")) {
                original.put(new PciAddress(prefix.substring("original.".length())), b);
            } else if (prefix.startsWith("target.")) {
                target.put(new PciAddress(prefix.substring("target.".length())), b);
            }
        }
        return new JournalEntry(Operation.parse(p.getProperty("op")), new PciAddress(p.getProperty("head")),
                Integer.parseInt(p.getProperty("group")), original, target);
    }

    private static Properties load(Path file) {
        Properties p = new Properties();
        try {
            p.load(new StringReader(Files.readString(file, StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        return p;
    }

    private void store(Path file, Properties p) {
        try {
            Files.createDirectories(dir);
            StringWriter text = new StringWriter();
            p.store(text, "tether GPU state; do not edit while tether-node runs");
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ch.write(ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8)));
                ch.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            fsyncDir();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    private void fsyncDir() throws IOException {
        if (Files.isDirectory(dir)) {
            try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
                ch.force(true);
            } catch (IOException e) {
                // some file systems cannot fsync a directory; the rename itself is still atomic
            }
        }
    }
}
