package dev.tether.node.gpu.runtime;

import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * core/v1 Events on the Node object, in namespace {@code default} as the kubelet posts node events, so
 * {@code kubectl describe node} shows them. A failed post is logged, never raised.
 */
public final class KubeNodeEvents implements NodeEvents {
    private static final Logger LOG = LoggerFactory.getLogger(KubeNodeEvents.class);
    static final String NAMESPACE = "default";
    static final String COMPONENT = "tether.csi.dev/node";

    private final KubernetesClient client;
    private final String nodeName;
    private final Clock clock;

    public KubeNodeEvents(KubernetesClient client, String nodeName, Clock clock) {
        this.client = client;
        this.nodeName = nodeName;
        this.clock = clock;
    }

    @Override
    public void post(String type, String reason, String message) {
        String now = Instant.now(clock).toString();
        try {
            client.v1().events().inNamespace(NAMESPACE).resource(new EventBuilder()
                    .withNewMetadata().withGenerateName(nodeName + ".gpu.").withNamespace(NAMESPACE).endMetadata()
                    .withInvolvedObject(new ObjectReferenceBuilder().withApiVersion("v1").withKind("Node")
                            .withName(nodeName).build())
                    .withType(type).withReason(reason).withMessage(message)
                    .withNewSource().withComponent(COMPONENT).withHost(nodeName).endSource()
                    .withFirstTimestamp(now).withLastTimestamp(now).withCount(1)
                    .build()).create();
        } catch (RuntimeException e) {
            LOG.warn("could not post event {} {} on node {}: {} ({})", type, reason, nodeName, message, e.getMessage());
        }
    }
}
