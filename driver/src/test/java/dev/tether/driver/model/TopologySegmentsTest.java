package dev.tether.driver.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class TopologySegmentsTest {

    @Test
    void parsesTheFlagFormatAndPrintsItBackSorted() {
        TopologySegments parsed = TopologySegments.parse(" topology.tether.csi.dev/zone=z1 , topology.tether.csi.dev/rack=r-2");

        assertThat(parsed.segments()).containsExactly(Map.entry("topology.tether.csi.dev/rack", "r-2"),
                Map.entry("topology.tether.csi.dev/zone", "z1"));
        assertThat(parsed).hasToString("topology.tether.csi.dev/rack=r-2,topology.tether.csi.dev/zone=z1");
        assertThat(TopologySegments.parse(parsed.toString())).isEqualTo(parsed);
        assertThat(parsed.toProto().getSegmentsMap()).isEqualTo(parsed.segments());
        assertThat(TopologySegments.of(parsed.toProto())).isEqualTo(parsed);
    }

    @Test
    void blankIsNoTopology() {
        assertThat(TopologySegments.parse("")).isEqualTo(TopologySegments.NONE);
        assertThat(TopologySegments.parse("  ").isEmpty()).isTrue();
        assertThat(TopologySegments.parse("rack=r1").isEmpty()).isFalse();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "rack                                     | 'rack' is not KEY=VALUE",
        "rack=r1,rack=r2                          | 'rack' is given twice",
        "=r1                                      | key is empty",
        "rack=                                    | '' (for key 'rack') is not a topology value",
        "rack=-r1                                 | '-r1'",
        "rack=r/1                                 | 'r/1'",
        "Example.COM/rack=r1                      | 'Example.COM/rack' is not a topology key",
        "a/b/c=r1                                 | 'a/b/c'",
        "rack=r1,Rack=r2                          | differ only in case",
        "a.example/rack=r1,b.example/zone=z1      | share one prefix",
        "a.example/rack=r1,zone=z1                | (none)",
        "kubernetes.io/rack=r1                    | Kubernetes-owned",
        "topology.k8s.io/rack=r1                  | Kubernetes-owned",
    })
    void refusesWhatCsiOrKubeletWouldRefuseNamingTheCulprit(String text, String message) {
        assertThatThrownBy(() -> TopologySegments.parse(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message.strip());
    }

    @Test
    void lengthLimitsAreTheLabelLimits() {
        assertThat(TopologySegments.parse("k=" + "v".repeat(63)).segments()).containsValue("v".repeat(63));
        assertThatThrownBy(() -> TopologySegments.parse("k=" + "v".repeat(64))).hasMessageContaining("not a topology value");
        assertThat(TopologySegments.parse("k".repeat(63) + "=v").segments()).containsKey("k".repeat(63));
        assertThatThrownBy(() -> TopologySegments.parse("k".repeat(64) + "=v")).hasMessageContaining("not a topology key");
        assertThatThrownBy(() -> TopologySegments.parse("p".repeat(64) + "/k=v")).hasMessageContaining("not a topology key");
    }

    @Test
    void wellKnownKeysKubeletMaySetAreAccepted() {
        assertThat(TopologySegments.parse("topology.kubernetes.io/zone=eu-1a,topology.kubernetes.io/region=eu-1").segments())
                .hasSize(2);
        assertThat(TopologySegments.parse("kubernetes.io/hostname=worker-1").segments()).hasSize(1);
    }

    @Test
    void coversANodeWhenEveryOneOfItsKeysMatches() {
        TopologySegments rack = TopologySegments.parse("t.example/rack=r1");

        assertThat(rack.covers(TopologySegments.parse("t.example/rack=r1"))).isTrue();
        assertThat(rack.covers(TopologySegments.parse("t.example/rack=r1,t.example/zone=z"))).isTrue();
        assertThat(rack.covers(TopologySegments.parse("t.example/rack=r2"))).isFalse();
        assertThat(rack.covers(TopologySegments.parse("t.example/zone=z"))).as("a wider area is not all reachable").isFalse();
        assertThat(rack.covers(TopologySegments.NONE)).isFalse();
        assertThat(TopologySegments.NONE.covers(rack)).as("no topology reaches everywhere").isTrue();
    }
}
