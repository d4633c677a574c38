package dev.tether.node.events;

import dev.tether.node.volume.StagedVolume;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Keeps what the supervisor would post, in order. */
public final class RecordingVolumeEvents implements VolumeEvents {
    public record Posted(String volume, boolean warning, String reason, String message) {
    }

    private final List<Posted> posted = new CopyOnWriteArrayList<>();

    @Override
    public void post(StagedVolume volume, boolean warning, String reason, String message) {
        posted.add(new Posted(volume.volumeId().value(), warning, reason, message));
    }

    public List<Posted> all() {
        return List.copyOf(posted);
    }

    public List<String> reasons() {
        return posted.stream().map(Posted::reason).toList();
    }

    public void clear() {
        posted.clear();
    }
}
