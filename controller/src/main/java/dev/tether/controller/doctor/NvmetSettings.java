package dev.tether.controller.doctor;

import java.nio.file.Path;

/**
 * The nvmet backend configuration the doctor checks: local (configfs and backing dir on this host) or ssh (a remote
 * storage node reached with a pinned host key).
 */
public record NvmetSettings(Mode mode, String configfsDir, String backingDir, long minFreeBytes,
                            String sshHost, int sshPort, Path sshKeyFile, Path knownHostsFile) {

    public enum Mode { local, ssh }
}
