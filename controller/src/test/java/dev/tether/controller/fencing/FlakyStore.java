package dev.tether.controller.fencing;

import dev.tether.driver.error.UnavailableException;
import dev.tether.driver.model.VolumeId;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** A store in memory that remembers what was saved and can be told to fail its next saves, as an API outage would. */
final class FlakyStore implements AttachmentStore {
    final Map<VolumeId, List<Attachment>> saved = new ConcurrentHashMap<>();
    final AtomicInteger failNext = new AtomicInteger();
    /** Runs after each successful save, e.g. to lose the lease while the write was in flight. */
    volatile Runnable afterSave = () -> { };

    @Override
    public void save(VolumeId volume, List<Attachment> attachments) {
        saveNow(volume, attachments);
        afterSave.run();
    }

    private void saveNow(VolumeId volume, List<Attachment> attachments) {
        if (failNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            throw new UnavailableException("injected: the API server is unreachable");
        }
        if (attachments.isEmpty()) {
            saved.remove(volume);
        } else {
            saved.put(volume, List.copyOf(attachments));
        }
    }

    @Override
    public Map<VolumeId, List<Attachment>> load() {
        return Map.copyOf(saved);
    }
}
