package dev.tether.driver.grpc;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;

/** Where a CSI server listens: {@code unix:///abs/path} (what kubelet and the sidecars use) or {@code tcp://host:port}. */
public sealed interface Endpoint {

    record Unix(Path socket) implements Endpoint {
        public Unix {
            if (!socket.isAbsolute()) {
                throw new IllegalArgumentException("unix socket path must be absolute, got '" + socket + "'");
            }
        }

        @Override
        public String toString() {
            return "unix://" + socket;
        }
    }

    record Tcp(String host, int port) implements Endpoint {
        public Tcp {
            if (host.isBlank()) {
                throw new IllegalArgumentException("tcp endpoint needs a host");
            }
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port " + port + " is out of range 0-65535");
            }
        }

        @Override
        public String toString() {
            return "tcp://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
        }
    }

    /** Parses an endpoint, explaining in the exception message what is wrong with {@code text}. */
    static Endpoint parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("endpoint is empty; use unix:///abs/path or tcp://host:port");
        }
        if (text.startsWith("unix://")) {
            String path = text.substring("unix://".length());
            if (path.isEmpty()) {
                throw new IllegalArgumentException("'" + text + "' has no socket path; use unix:///abs/path");
            }
            return new Unix(Path.of(path).normalize());
        }
        if (text.startsWith("tcp://")) {
            URI uri;
            try {
                uri = new URI(text);
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException("'" + text + "' is not a valid tcp://host:port endpoint: " + e.getReason());
            }
            if (uri.getHost() == null || uri.getPort() == -1) {
                throw new IllegalArgumentException("'" + text + "' must name a host and a port, e.g. tcp://127.0.0.1:10000");
            }
            String host = uri.getHost().startsWith("[") ? uri.getHost().substring(1, uri.getHost().length() - 1) : uri.getHost();
            return new Tcp(host, uri.getPort());
        }
        throw new IllegalArgumentException("'" + text + "' has an unsupported scheme; use unix:///abs/path or tcp://host:port");
    }
}
