package dev.tether.driver.kube;

import io.fabric8.kubernetes.client.KubernetesClientException;

/** One line about a failed API call, for messages an operator reads. */
public final class ApiErrors {
    private ApiErrors() {
    }

    /**
     * The API's answer ("HTTP 503 ..."), or, for a call that got none (timeout, refused, DNS), fabric8's message plus
     * the cause it wraps without naming.
     */
    public static String describe(KubernetesClientException e) {
        if (e.getCode() > 0) {
            return "HTTP " + e.getCode() + " " + e.getMessage();
        }
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == e ? e.getMessage()
                : e.getMessage() + " (" + root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage()) + ")";
    }
}
