package dev.tether.node.volume;

import dev.tether.driver.model.Nqn;
import dev.tether.driver.model.VolumeContextKeys;
import dev.tether.driver.model.VolumeId;
import dev.tether.node.nvme.NvmeTarget;
import dev.tether.node.nvme.NvmeTimeouts;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Staged-volume records, one properties file per volume under {@code <state-dir>/staged/}, each written to a temp
 * file, fsynced and renamed (then the directory fsynced), so a crash or power cut leaves the old record or the new
 * one, never half of one. The node plugin re-reads them on start to find what it must keep alive.
 */
public final class StagedVolumeStore {
    private static final Logger LOG = LoggerFactory.getLogger(StagedVolumeStore.class);

    private final Path dir;
    private final Map<VolumeId, StagedVolume> cache = new ConcurrentHashMap<>();

    private StagedVolumeStore(Path dir) {
        this.dir = dir;
    }

    /** Opens the store and loads every record; an unreadable record is logged and kept on disk, not deleted. */
    public static StagedVolumeStore open(Path stateDir) throws IOException {
        StagedVolumeStore store = new StagedVolumeStore(stateDir.resolve("staged"));
        Files.createDirectories(store.dir);
        try (DirectoryStream<Path> files = Files.newDirectoryStream(store.dir, "*.properties")) {
            for (Path file : files) {
                try {
                    StagedVolume v = read(file);
                    store.cache.put(v.volumeId(), v);
                } catch (RuntimeException | IOException e) {
                    LOG.error("cannot read staged-volume record {}: {}; leaving it for an operator", file, e.toString());
                }
            }
        }
        return store;
    }

    public Optional<StagedVolume> get(VolumeId id) {
        return Optional.ofNullable(cache.get(id));
    }

    public Collection<StagedVolume> all() {
        return List.copyOf(cache.values());
    }

    /** Other staged volumes whose subsystem is {@code nqn}. */
    public boolean usedByOthers(Nqn nqn, VolumeId except) {
        return cache.values().stream().anyMatch(v -> !v.volumeId().equals(except) && v.target().subsystem().equals(nqn));
    }

    public void save(StagedVolume v) {
        Properties p = new Properties();
        p.setProperty("volumeId", v.volumeId().value());
        p.setProperty("nqn", v.target().subsystem().value());
        p.setProperty("address", v.target().address());
        p.setProperty("port", String.valueOf(v.target().port()));
        p.setProperty("nsid", String.valueOf(v.target().nsid()));
        NvmeTimeouts t = v.target().timeouts();
        p.setProperty("ctrlLossTmo", String.valueOf(t.ctrlLossTmo()));
        p.setProperty("reconnectDelay", String.valueOf(t.reconnectDelay()));
        p.setProperty("keepAliveTmo", String.valueOf(t.keepAliveTmo()));
        p.setProperty("fastIoFailTmo", String.valueOf(t.fastIoFailTmo()));
        p.setProperty("stagingPath", v.stagingPath().toString());
        p.setProperty("mode", v.block() ? "block" : "mount");
        p.setProperty("fsType", v.fsType());
        p.setProperty("mountFlags", String.join("\n", v.mountFlags()));
        p.setProperty("readOnly", String.valueOf(v.readOnly()));
        p.setProperty("device", v.device());
        v.claim().ifPresent(c -> {
            p.setProperty(VolumeContextKeys.PVC_NAMESPACE, c.namespace());
            p.setProperty(VolumeContextKeys.PVC_NAME, c.name());
            c.pvName().ifPresent(pv -> p.setProperty(VolumeContextKeys.PV_NAME, pv));
        });
        Path file = fileOf(v.volumeId());
        Path tmp = dir.resolve(v.volumeId().value() + ".properties.tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                OutputStream out = java.nio.channels.Channels.newOutputStream(ch);
                p.store(out, "tether staged volume");
                ch.force(true);
            }
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
            syncDir();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot persist staged volume " + v.volumeId() + " in " + dir + ": " + e.getMessage(), e);
        }
        cache.put(v.volumeId(), v);
    }

    public void delete(VolumeId id) {
        try {
            Files.deleteIfExists(fileOf(id));
            syncDir();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete staged volume record " + id + ": " + e.getMessage(), e);
        }
        cache.remove(id);
    }

    private Path fileOf(VolumeId id) {
        return dir.resolve(id.value() + ".properties");
    }

    private void syncDir() throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // Some file systems refuse to open a directory for fsync; the rename is still atomic there.
            LOG.debug("cannot fsync {}: {}", dir, e.toString());
        }
    }

    private static StagedVolume read(Path file) throws IOException {
        Properties p = new Properties();
        try (java.io.InputStream in = Files.newInputStream(file)) {
            p.load(in);
        }
        NvmeTimeouts t = new NvmeTimeouts(intOf(p, "ctrlLossTmo"), intOf(p, "reconnectDelay"), intOf(p, "keepAliveTmo"),
                intOf(p, "fastIoFailTmo"));
        NvmeTarget target = new NvmeTarget(new Nqn(req(p, "nqn")), req(p, "address"), intOf(p, "port"), intOf(p, "nsid"), t);
        String flags = p.getProperty("mountFlags", "");
        List<String> mountFlags = flags.isEmpty() ? List.of() : new ArrayList<>(Arrays.asList(flags.split("\n")));
        return new StagedVolume(new VolumeId(req(p, "volumeId")), target, Path.of(req(p, "stagingPath")),
                "block".equals(req(p, "mode")), p.getProperty("fsType", ""), mountFlags,
                Boolean.parseBoolean(p.getProperty("readOnly", "false")), p.getProperty("device", ""), claimOf(p));
    }

    /** Records written before claims were kept have none: their events are only logged. */
    private static Optional<ClaimRef> claimOf(Properties p) {
        Map<String, String> context = new java.util.HashMap<>();
        for (String key : List.of(VolumeContextKeys.PVC_NAMESPACE, VolumeContextKeys.PVC_NAME, VolumeContextKeys.PV_NAME)) {
            String value = p.getProperty(key);
            if (value != null) {
                context.put(key, value);
            }
        }
        return ClaimRef.from(context);
    }

    private static String req(Properties p, String key) {
        String v = p.getProperty(key);
        if (v == null) {
            throw new IllegalArgumentException("missing " + key);
        }
        return v;
    }

    private static int intOf(Properties p, String key) {
        return Integer.parseInt(req(p, key));
    }
}
