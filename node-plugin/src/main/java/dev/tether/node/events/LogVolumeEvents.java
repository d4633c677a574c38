package dev.tether.node.events;

import dev.tether.node.volume.StagedVolume;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Events as log lines: the whole story without an API server, and a record of every event with one. */
public final class LogVolumeEvents implements VolumeEvents {
    private static final Logger LOG = LoggerFactory.getLogger("events");

    @Override
    public void post(StagedVolume volume, boolean warning, String reason, String message) {
        String claim = volume.claim().map(c -> "pvc " + c).orElse("no pvc known");
        if (warning) {
            LOG.warn("Warning {} volume {} ({}): {}", reason, volume.volumeId(), claim, message);
        } else {
            LOG.info("Normal {} volume {} ({}): {}", reason, volume.volumeId(), claim, message);
        }
    }
}
