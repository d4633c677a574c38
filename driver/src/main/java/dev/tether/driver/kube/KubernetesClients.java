package dev.tether.driver.kube;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Makes the Kubernetes client from the {@code --kubeconfig} flag: {@code none} runs standalone (no API at all),
 * empty means in-cluster or the usual kubeconfig discovery, anything else is a kubeconfig file. Either way the
 * client gets Tether's {@link ApiCallBudget} instead of fabric8's retry and timeout defaults.
 */
public final class KubernetesClients {
    public static final String NONE = "none";

    private KubernetesClients() {
    }

    public static Optional<KubernetesClient> fromFlag(String kubeconfig) {
        if (NONE.equals(kubeconfig)) {
            return Optional.empty();
        }
        return Optional.of(new KubernetesClientBuilder().withConfig(config(kubeconfig)).build());
    }

    /** The configuration {@link #fromFlag} builds its client from ({@code kubeconfig} not {@code none}). */
    public static Config config(String kubeconfig) {
        if (kubeconfig == null || kubeconfig.isBlank()) {
            // what KubernetesClientBuilder uses when given no config: in-cluster, else ~/.kube/config discovery
            return ApiCallBudget.applyTo(new ConfigBuilder().build());
        }
        try {
            return ApiCallBudget.applyTo(Config.fromKubeconfig(Files.readString(Path.of(kubeconfig))));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read kubeconfig " + kubeconfig + ": " + e.getMessage(), e);
        }
    }
}
