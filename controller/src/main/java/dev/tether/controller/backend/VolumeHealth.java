package dev.tether.controller.backend;

/** CSI volume condition: abnormal with a message saying what is wrong at the target. */
public record VolumeHealth(boolean abnormal, String message) {
    public static final VolumeHealth OK = new VolumeHealth(false, "volume is exported and its backing file is present");

    public static VolumeHealth abnormal(String message) {
        return new VolumeHealth(true, message);
    }
}
