package dev.tether.node.identity;

import dev.tether.driver.model.Nqn;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This host's NVMe identity: host NQN and host ID, read from {@code /etc/nvme/hostnqn} and {@code /etc/nvme/hostid}
 * (what nvme-cli uses too) or generated once and persisted. A stable identity is what the target's allowed_hosts and
 * Tether's fencing key on; an NQN reused with a new host ID silently replaces the ID of a live controller.
 */
public record HostIdentity(Nqn hostNqn, String hostId) {
    private static final Logger LOG = LoggerFactory.getLogger(HostIdentity.class);

    public HostIdentity {
        try {
            UUID.fromString(hostId);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("host id '" + hostId + "' is not a UUID");
        }
    }

    /** Reads both files, generating whichever is missing (from the other when possible, so they stay paired). */
    public static HostIdentity loadOrCreate(Path nqnFile, Path idFile) throws IOException {
        Optional<String> nqn = readTrimmed(nqnFile);
        Optional<String> id = readTrimmed(idFile);
        String uuidInNqn = nqn.filter(n -> n.startsWith(UUID_NQN_PREFIX)).map(n -> n.substring(UUID_NQN_PREFIX.length())).orElse(null);
        String hostId = id.orElseGet(() -> uuidInNqn != null ? uuidInNqn : UUID.randomUUID().toString());
        String hostNqn = nqn.orElse(UUID_NQN_PREFIX + hostId);
        if (nqn.isEmpty()) {
            writeAtomically(nqnFile, hostNqn);
            LOG.info("generated host NQN {} in {}", hostNqn, nqnFile);
        }
        if (id.isEmpty()) {
            writeAtomically(idFile, hostId);
            LOG.info("generated host ID {} in {}", hostId, idFile);
        }
        return new HostIdentity(new Nqn(hostNqn), hostId);
    }

    /** The NVMe spec's form of a host NQN made from a UUID. */
    public static final String UUID_NQN_PREFIX = "nqn.2014-08.org.nvmexpress:uuid:";

    private static Optional<String> readTrimmed(Path file) throws IOException {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        String text = Files.readString(file, StandardCharsets.UTF_8).strip();
        return text.isEmpty() ? Optional.empty() : Optional.of(text);
    }

    private static void writeAtomically(Path file, String value) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, value + "\n", StandardCharsets.UTF_8);
        try {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
