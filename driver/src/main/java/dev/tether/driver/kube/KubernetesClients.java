package dev.tether.driver.kube;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Makes the Kubernetes client from the {@code --kubeconfig} flag: {@code none} runs standalone (no API at all),
 * empty means in-cluster or the usual kubeconfig discovery, anything else is a kubeconfig file.
 */
public final class KubernetesClients {
    public static final String NONE = "none";

    private KubernetesClients() {
    }

    public static Optional<KubernetesClient> fromFlag(String kubeconfig) {
        if (NONE.equals(kubeconfig)) {
            return Optional.empty();
        }
        if (kubeconfig == null || kubeconfig.isBlank()) {
            return Optional.of(new KubernetesClientBuilder().build());
        }
        try {
            Config config = Config.fromKubeconfig(Files.readString(Path.of(kubeconfig)));
            return Optional.of(new KubernetesClientBuilder().withConfig(config).build());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read kubeconfig " + kubeconfig + ": " + e.getMessage(), e);
        }
    }
}
