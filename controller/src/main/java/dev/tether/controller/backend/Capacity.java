package dev.tether.controller.backend;

/** Room for new volumes: bytes still free, and the largest single volume that could be created now. */
public record Capacity(long availableBytes, long maximumVolumeBytes) {
}
