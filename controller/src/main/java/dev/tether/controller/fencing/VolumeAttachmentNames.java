package dev.tether.controller.fencing;

import dev.tether.driver.model.VolumeId;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The name Kubernetes gives the VolumeAttachment of a CSI volume on a node: {@code csi-} + hex SHA-256 of
 * volume handle + driver name + node name (kubernetes pkg/volume/csi, getAttachmentName). Lets a message name the
 * object an operator can delete, and lets the handoff check GET one object instead of listing.
 */
public final class VolumeAttachmentNames {
    public static final String DRIVER = "tether.csi.dev";

    private VolumeAttachmentNames() {
    }

    public static String of(VolumeId volume, String nodeName) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest((volume.value() + DRIVER + nodeName).getBytes(StandardCharsets.UTF_8));
            return "csi-" + HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
