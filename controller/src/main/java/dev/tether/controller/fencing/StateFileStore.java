package dev.tether.controller.fencing;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.tether.driver.error.UnavailableException;
import dev.tether.driver.model.VolumeId;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Standalone persistence ({@code --state-file}): the whole map as one JSON object {@code {"volumes":{"<id>":[...]}}},
 * rewritten on every change as temp file + fsync + rename + fsync of the directory, so a crash leaves either the old
 * or the new file, never a torn one. Writes are serialised here (one file), which is fine for a standalone controller.
 */
public final class StateFileStore implements AttachmentStore {
    private static final TypeReference<Map<String, Map<String, List<Map<String, Object>>>>> FILE = new TypeReference<>() {
    };
    private final Path file;
    private final Map<String, List<Attachment>> current = new TreeMap<>();

    public StateFileStore(Path file) {
        this.file = file.toAbsolutePath();
    }

    @Override
    public synchronized void save(VolumeId volume, List<Attachment> attachments) {
        Map<String, List<Attachment>> next = new TreeMap<>(current);
        if (attachments.isEmpty()) {
            next.remove(volume.value());
        } else {
            next.put(volume.value(), List.copyOf(attachments));
        }
        try {
            write(next);
        } catch (IOException e) {
            throw new UnavailableException("cannot write the attachment state file " + file + ": " + e.getMessage(), e);
        }
        current.clear();
        current.putAll(next);
    }

    @Override
    public synchronized Map<VolumeId, List<Attachment>> load() {
        current.clear();
        if (!Files.exists(file)) {
            return Map.of();
        }
        try {
            Map<String, Map<String, List<Map<String, Object>>>> parsed = AttachmentCodec.json().readValue(file.toFile(), FILE);
            Map<VolumeId, List<Attachment>> answer = new LinkedHashMap<>();
            parsed.getOrDefault("volumes", Map.of()).forEach((id, list) -> {
                List<Attachment> attachments = list.stream().map(AttachmentCodec::fromMap).toList();
                current.put(id, attachments);
                answer.put(new VolumeId(id), attachments);
            });
            return answer;
        } catch (IOException | RuntimeException e) {
            // Refuse to start rather than forget attachments and let a second node in.
            throw new IllegalStateException("cannot read the attachment state file " + file + ": " + e.getMessage(), e);
        }
    }

    private void write(Map<String, List<Attachment>> state) throws IOException {
        Map<String, Object> volumes = new TreeMap<>();
        state.forEach((id, list) -> volumes.put(id, list.stream().map(AttachmentCodec::toMap).toList()));
        byte[] bytes = AttachmentCodec.json().writerWithDefaultPrettyPrinter()
                .writeValueAsString(Map.of("volumes", volumes)).getBytes(StandardCharsets.UTF_8);
        Path dir = file.getParent();
        Files.createDirectories(dir);
        Path temp = dir.resolve("." + file.getFileName() + ".tmp");
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(true);
        }
        try {
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("the file system of " + dir + " cannot rename atomically", e);
        }
        try (FileChannel directory = FileChannel.open(dir, StandardOpenOption.READ)) {
            directory.force(true);
        }
    }
}
