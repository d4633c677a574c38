package dev.tether.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tether.driver.model.TopologySegments;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Per-node topology values from the node's own labels, against fabric8's mock API server in CRUD mode. */
@EnableKubernetesMockClient(crud = true)
class NodeTopologyTest {
    static final String ZONE = "topology.kubernetes.io/zone";
    static final String REGION = "topology.kubernetes.io/region";
    static KubernetesClient client;

    @BeforeEach
    void nodes() {
        client.nodes().delete();
        client.nodes().resource(new NodeBuilder().withNewMetadata().withName("worker-1")
                .withLabels(Map.of(ZONE, "eu-1a", REGION, "eu-1", "kubernetes.io/hostname", "worker-1")).endMetadata().build()).create();
    }

    @Test
    void takesTheNamedLabelsOfItsOwnNodeAndNothingElse() {
        TopologySegments topology = NodeTopology.resolve(client, "worker-1", TopologySegments.NONE, List.of(ZONE, REGION));

        assertThat(topology.segments()).isEqualTo(Map.of(ZONE, "eu-1a", REGION, "eu-1"));
    }

    @Test
    void addsToTheFixedSegmentsWhenTheyShareAPrefix() {
        TopologySegments fixed = TopologySegments.parse(REGION + "=eu-1");

        assertThat(NodeTopology.resolve(client, "worker-1", fixed, List.of(ZONE)).segments())
                .isEqualTo(Map.of(ZONE, "eu-1a", REGION, "eu-1"));
        assertThatThrownBy(() -> NodeTopology.resolve(client, "worker-1", TopologySegments.parse("topology.tether.csi.dev/rack=r1"),
                List.of(ZONE))).hasMessageContaining("share one prefix");
        assertThatThrownBy(() -> NodeTopology.resolve(client, "worker-1", fixed, List.of(REGION)))
                .hasMessageContaining("'" + REGION + "' is given both");
    }

    @Test
    void aMissingLabelOrNodeIsRefusedNamingIt() {
        assertThatThrownBy(() -> NodeTopology.resolve(client, "worker-1", TopologySegments.NONE, List.of(ZONE, "example.com/rack")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'worker-1'").hasMessageContaining("'example.com/rack'");
        assertThatThrownBy(() -> NodeTopology.resolve(client, "worker-9", TopologySegments.NONE, List.of(ZONE)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'worker-9' does not exist");
    }

    @Test
    void withoutLabelKeysTheApiIsNotAsked() {
        TopologySegments fixed = TopologySegments.parse("topology.tether.csi.dev/rack=r1");

        assertThat(NodeTopology.resolve(null, "worker-1", fixed, List.of())).isSameAs(fixed);
        assertThat(NodeTopology.labelKeys(" ")).isEmpty();
        assertThat(NodeTopology.labelKeys(ZONE + " , " + REGION)).containsExactly(ZONE, REGION);
    }
}
