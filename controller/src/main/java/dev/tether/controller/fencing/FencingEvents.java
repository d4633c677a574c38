package dev.tether.controller.fencing;

import dev.tether.driver.model.VolumeId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where fencing tells the operator what happened (Kubernetes Events on the PV and its PVC, or the log when
 * standalone). Posting is best-effort: an implementation never throws and never blocks an operation.
 */
public interface FencingEvents {
    String ATTACHMENT_CONFLICT = "AttachmentConflict";
    String VOLUME_ATTACHED = "VolumeAttached";
    String VOLUME_DETACHED = "VolumeDetached";
    String STALE_ATTACHMENT_CLEARED = "StaleAttachmentCleared";
    String MIGRATION_DUAL_ATTACH = "MigrationDualAttach";
    String MIGRATION_WINDOW_EXCEEDED = "MigrationWindowExceeded";
    String ATTACHMENT_REBUILT = "AttachmentRebuilt";

    void post(VolumeId volume, boolean warning, String reason, String message);

    /** Standalone: events are log lines. */
    FencingEvents LOG = new FencingEvents() {
        private static final Logger EVENTS = LoggerFactory.getLogger("dev.tether.controller.events");

        @Override
        public void post(VolumeId volume, boolean warning, String reason, String message) {
            if (warning) {
                EVENTS.warn("event {} on volume {}: {}", reason, volume, message);
            } else {
                EVENTS.info("event {} on volume {}: {}", reason, volume, message);
            }
        }
    };
}
