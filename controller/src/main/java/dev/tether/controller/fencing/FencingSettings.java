package dev.tether.controller.fencing;

import java.time.Duration;

/**
 * Tunables of the publish rules. {@code maxVolumesPerNode} 0 means unlimited; {@code detachGrace} is how long after a
 * node's unpublish a publish to another node answers ABORTED; {@code migrationWindow} bounds a live-migration dual attach.
 */
public record FencingSettings(int maxVolumesPerNode, Duration detachGrace, Duration migrationWindow) {
    public static final FencingSettings DEFAULTS = new FencingSettings(0, Duration.ofSeconds(10), Duration.ofMinutes(5));
}
