package dev.tether.controller.backend;

import dev.tether.driver.model.VolumeId;
import java.util.Map;

/** What CreateVolume asks for, already validated: capacity rounded, parameters normalized ({@link VolumeParameters}). */
public record VolumeSpec(VolumeId id, String name, long capacityBytes, VolumeParameters parameters, VolumeSource source) {
    public VolumeSpec {
        if (capacityBytes <= 0) {
            throw new IllegalArgumentException("capacity must be positive, got " + capacityBytes);
        }
    }

    public Map<String, String> parameterMap() {
        return parameters.toMap();
    }
}
