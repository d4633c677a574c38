package dev.tether.controller.fencing;

import dev.tether.driver.model.NodeId;
import java.time.Instant;
import java.util.Map;

/** One node's publish of a volume, as recorded (and persisted) by fencing. */
public record Attachment(NodeId node, AccessSpec access, Map<String, String> publishContext, Instant attachedAt) {
    public Attachment {
        publishContext = Map.copyOf(publishContext);
    }
}
