package dev.tether.controller.backend;

/** Which {@link StorageBackend} the controller drives. */
public enum BackendKind {
    /** The Linux kernel NVMe-oF target, through configfs, locally or over SSH. */
    nvmet,
    /** In memory: for development, demos and conformance tooling. Volumes vanish with the process. */
    fake
}
