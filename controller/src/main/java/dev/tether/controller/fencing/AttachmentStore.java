package dev.tether.controller.fencing;

import dev.tether.driver.model.VolumeId;
import java.util.List;
import java.util.Map;

/**
 * Where the attachment map survives a restart. {@link #save} runs under the volume's lock before a publish or
 * unpublish answers; if it throws, the caller rolls its in-memory change back and fails closed (UNAVAILABLE).
 */
public interface AttachmentStore {
    /** Persists the volume's complete attachment list (empty: none). Throws {@code UnavailableException} on failure. */
    void save(VolumeId volume, List<Attachment> attachments);

    /** Everything persisted, for the rebuild at start-up or takeover. */
    Map<VolumeId, List<Attachment>> load();

    /** Standalone without a state file: nothing survives the process. */
    AttachmentStore IN_MEMORY = new AttachmentStore() {
        @Override
        public void save(VolumeId volume, List<Attachment> attachments) {
        }

        @Override
        public Map<VolumeId, List<Attachment>> load() {
            return Map.of();
        }
    };
}
