package dev.tether.controller.backend;

import dev.tether.driver.model.VolumeId;
import java.util.Map;

/** A volume as the backend knows it; {@code volumeContext} is what the node needs to connect (address, port, NQN). */
public record BackendVolume(VolumeId id, String name, long capacityBytes, Map<String, String> volumeContext) {
    public BackendVolume {
        volumeContext = Map.copyOf(volumeContext);
    }
}
