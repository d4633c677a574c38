package dev.tether.demo;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;

/**
 * A small Kubernetes API server in the demo's own process (fabric8's CRUD mock): objects are stored, listed, watched
 * and patched as a real API server would, so the controller runs its real cluster code paths without a cluster.
 */
final class EmbeddedApi implements AutoCloseable {
    // CRUD mode over plain HTTP: the dispatcher stores what is written, like an API server (the boolean is useHttps).
    private final KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(),
            new HashMap<>(), new KubernetesCrudDispatcher(), false);
    private final KubernetesClient client;
    private final Path kubeconfig;

    EmbeddedApi(Path dir) throws IOException {
        server.init(InetAddress.getLoopbackAddress(), 0);
        client = server.createClient();
        kubeconfig = dir.resolve("kubeconfig");
        String url = "http://127.0.0.1:" + server.getPort();
        Files.writeString(kubeconfig, """
                apiVersion: v1
                kind: Config
                clusters:
                - name: demo
                  cluster:
                    server: %s
                contexts:
                - name: demo
                  context:
                    cluster: demo
                    user: demo
                    namespace: tether
                current-context: demo
                users:
                - name: demo
                  user:
                    token: demo
                """.formatted(url));
    }

    KubernetesClient client() {
        return client;
    }

    Path kubeconfig() {
        return kubeconfig;
    }

    @Override
    public void close() {
        client.close();
        server.destroy();
    }
}
