package dev.tether.controller.backend;

import dev.tether.driver.model.VolumeContextKeys;
import dev.tether.driver.model.VolumeId;
import java.util.Map;

/**
 * A volume as the backend knows it; {@code volumeContext} is what the node needs to connect (address, port, NQN, timeouts:
 * {@link VolumeContextKeys}); {@code parameters} the normalized StorageClass parameters it was created with.
 */
public record BackendVolume(VolumeId id, String name, long capacityBytes, Map<String, String> volumeContext,
        Map<String, String> parameters, VolumeSource source) {
    public BackendVolume {
        volumeContext = Map.copyOf(volumeContext);
        parameters = Map.copyOf(parameters);
        if (source == null) {
            source = VolumeSource.NONE;
        }
    }

    public BackendVolume(VolumeId id, String name, long capacityBytes, Map<String, String> volumeContext) {
        this(id, name, capacityBytes, volumeContext, Map.of(), VolumeSource.NONE);
    }
}
