package dev.tether.charts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** values.schema.json turns a typo or a wrong type into a clear error at install time, not a broken pod. */
class ValuesSchemaTest {

    @Test
    void unknownKeyIsRejectedNamingTheKey() {
        assertThatThrownBy(() -> Chart.templateYaml("controller:\n  replica: 3\n"))
                .hasMessageContaining("values don't meet the specifications of the schema")
                .hasMessageContaining("controller")
                .hasMessageContaining("replica");
    }

    @Test
    void unknownTopLevelKeyIsRejected() {
        assertThatThrownBy(() -> Chart.templateYaml("backends:\n  kind: nvmet\n"))
                .hasMessageContaining("backends");
    }

    @Test
    void wrongTypeIsRejectedNamingTheFieldAndTheExpectedType() {
        assertThatThrownBy(() -> Chart.templateYaml("controller:\n  replicas: two\n"))
                .hasMessageContaining("/controller/replicas")
                .hasMessageContaining("integer");
    }

    @Test
    void unknownBackendKindIsRejectedListingTheKinds() {
        assertThatThrownBy(() -> Chart.templateYaml("backend:\n  kind: ceph\n"))
                .hasMessageContaining("/backend/kind")
                .hasMessageContaining("nvmet")
                .hasMessageContaining("fake");
    }

    @Test
    void latestTagAndBadDurationAreRejected() {
        assertThatThrownBy(() -> Chart.templateYaml("sidecars:\n  attacher:\n    image:\n      tag: latest\n"))
                .hasMessageContaining("/sidecars/attacher/image/tag");
        assertThatThrownBy(() -> Chart.templateYaml("controller:\n  fencing:\n    detachGrace: 30 seconds\n"))
                .hasMessageContaining("/controller/fencing/detachGrace");
        assertThatThrownBy(() -> Chart.templateYaml("gpu:\n  vendors: [\"NVIDIA\"]\n"))
                .hasMessageContaining("/gpu/vendors/0");
    }

    @Test
    void topologyValuesMustBeLabelValues() {
        assertThatThrownBy(() -> Chart.templateYaml("node:\n  topology:\n    topology.tether.csi.dev/rack: \"r 1\"\n"))
                .hasMessageContaining("/node/topology");
        assertThatThrownBy(() -> Chart.templateYaml("controller:\n  accessibleTopology:\n    topology.tether.csi.dev/rack: 1\n"))
                .hasMessageContaining("/controller/accessibleTopology");
        // Helm names the offending key, not its path, for a key that breaks propertyNames.
        assertThatThrownBy(() -> Chart.templateYaml("controller:\n  accessibleTopology:\n    \"rack key\": r1\n"))
                .hasMessageContaining("invalid propertyName 'rack key'");
    }

    @Test
    void aValidOverrideRenders() {
        String out = Chart.templateYaml("controller:\n  replicas: 3\nbackend:\n  nvmet:\n    ssh:\n      host: s1\n");
        assertThat(Rendered.parse(out).controller().getSpec().getReplicas()).isEqualTo(3);
    }

    @Test
    void chartCreatedSshSecretRequiresTheKeyAndThePinnedHostKey() {
        assertThatThrownBy(() -> Chart.templateYaml("backend:\n  nvmet:\n    ssh:\n      host: s1\n      secret:\n        create: true\n"))
                .hasMessageContaining("backend.nvmet.ssh.secret.privateKey is required");
        assertThatThrownBy(() -> Chart.templateYaml(
                "backend:\n  nvmet:\n    ssh:\n      host: s1\n      secret:\n        create: true\n        privateKey: k\n"))
                .hasMessageContaining("pin the storage node's host key");
    }

    @Test
    void everyObjectInTheSchemaForbidsUnknownProperties() throws Exception {
        JsonNode schema = new ObjectMapper().readTree(Repo.ROOT.resolve("charts/tether/values.schema.json").toFile());
        List<String> open = new ArrayList<>();
        walk(schema, "", open);
        assertThat(open).as("object schemas with properties but without additionalProperties: false").isEmpty();
        assertThat(schema.get("additionalProperties").asBoolean(true)).isFalse();
    }

    private static void walk(JsonNode node, String path, List<String> open) {
        if (node.isObject()) {
            if (node.has("properties") && !(node.has("additionalProperties") && node.get("additionalProperties").isBoolean()
                    && !node.get("additionalProperties").asBoolean())) {
                open.add(path);
            }
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                walk(field.getValue(), path + "/" + field.getKey(), open);
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                walk(node.get(i), path + "/" + i, open);
            }
        }
    }
}
