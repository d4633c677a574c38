package dev.tether.driver.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Kubeconfig files that point an app under test at a local (mock or stub) API server: plain HTTP, a dummy token. */
public final class Kubeconfigs {
    private Kubeconfigs() {
    }

    public static Path write(Path file, String serverUrl) throws IOException {
        String yaml = """
                apiVersion: v1
                kind: Config
                clusters:
                - name: test
                  cluster:
                    server: %s
                users:
                - name: tether
                  user:
                    token: test
                contexts:
                - name: test
                  context:
                    cluster: test
                    user: tether
                    namespace: default
                current-context: test
                """.formatted(serverUrl.replaceAll("/$", ""));
        if (file.getParent() != null) {
            Files.createDirectories(file.getParent());
        }
        return Files.writeString(file, yaml, StandardCharsets.UTF_8);
    }
}
