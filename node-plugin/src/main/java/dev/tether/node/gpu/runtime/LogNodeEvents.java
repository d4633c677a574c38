package dev.tether.node.gpu.runtime;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Standalone (no Kubernetes): events go to the log. */
public final class LogNodeEvents implements NodeEvents {
    private static final Logger LOG = LoggerFactory.getLogger("events");

    @Override
    public void post(String type, String reason, String message) {
        if (WARNING.equals(type)) {
            LOG.warn("{} {}: {}", type, reason, message);
        } else {
            LOG.info("{} {}: {}", type, reason, message);
        }
    }
}
