package dev.tether.controller.backend.host.ssh;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

/** Where and how to reach the storage node over SSH. */
public record SshTarget(String user, String host, int port, Path privateKey, Path knownHosts, Duration connectTimeout) {

    /** Parses {@code ssh://user@host[:port]}. */
    public static SshTarget parse(String uri, Path privateKey, Path knownHosts, Duration connectTimeout) {
        URI parsed;
        try {
            parsed = URI.create(uri);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("target '" + uri + "' is not ssh://user@host[:port]");
        }
        if (!"ssh".equals(parsed.getScheme()) || parsed.getHost() == null || parsed.getUserInfo() == null
                || (parsed.getPath() != null && !parsed.getPath().isEmpty())) {
            throw new IllegalArgumentException("target '" + uri + "' is not ssh://user@host[:port]");
        }
        return new SshTarget(parsed.getUserInfo(), parsed.getHost(), parsed.getPort() < 0 ? 22 : parsed.getPort(),
                privateKey, knownHosts, connectTimeout);
    }

    @Override
    public String toString() {
        return "ssh " + user + "@" + host + ":" + port;
    }
}
