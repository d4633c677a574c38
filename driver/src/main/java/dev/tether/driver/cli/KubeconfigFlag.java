package dev.tether.driver.cli;

import dev.tether.driver.kube.KubernetesClients;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.UncheckedIOException;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/**
 * The apps' {@code --kubeconfig} flag: {@code in-cluster} (the pod's service account), {@code none} (standalone) or a
 * file. A file that cannot be read is a usage error naming the flag, not a stack trace.
 */
public final class KubeconfigFlag {
    public static final String IN_CLUSTER = "in-cluster";

    private KubeconfigFlag() {
    }

    public static Optional<KubernetesClient> client(CommandLine command, String value) {
        try {
            return KubernetesClients.fromFlag(IN_CLUSTER.equals(value) ? "" : value);
        } catch (UncheckedIOException e) {
            throw new ParameterException(command, "Invalid value for option '--kubeconfig': " + e.getMessage(), e);
        }
    }
}
