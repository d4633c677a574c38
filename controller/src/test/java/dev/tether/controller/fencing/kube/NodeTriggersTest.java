package dev.tether.controller.fencing.kube;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.driver.testing.ManualClock;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeConditionBuilder;
import io.fabric8.kubernetes.api.model.TaintBuilder;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** When node updates call for a reconciler pass: once per out-of-service taint and once per NotReady episode. */
class NodeTriggersTest {
    static final Duration THRESHOLD = Duration.ofMinutes(5);
    final ManualClock clock = new ManualClock();
    final NodeTriggers triggers = new NodeTriggers(THRESHOLD, clock);

    static Node node(String name, String ready, Instant since, String... taintKeys) {
        NodeBuilder node = new NodeBuilder().withNewMetadata().withName(name).endMetadata()
                .withNewStatus().addToConditions(new NodeConditionBuilder().withType("Ready").withStatus(ready)
                        .withLastTransitionTime(since.toString()).build()).endStatus();
        NodeBuilder.SpecNested<NodeBuilder> spec = node.withNewSpec();
        for (String key : taintKeys) {
            spec.addToTaints(new TaintBuilder().withKey(key).withEffect("NoExecute").build());
        }
        return spec.endSpec().build();
    }

    Node notReady(String name, String... taints) {
        return node(name, "Unknown", clock.instant(), taints);
    }

    @Test
    void aNotReadyNodeCallsForOnePassOnceItOutlastsTheThresholdHoweverOftenItIsUpdated() {
        Node dead = notReady("node-a");
        assertThat(triggers.observe(dead)).isEmpty();
        clock.advance(THRESHOLD.minusSeconds(1));
        assertThat(triggers.observe(dead)).as("heartbeat before the threshold").isEmpty();
        assertThat(triggers.due()).as("tick before the threshold").isEmpty();

        clock.advance(Duration.ofSeconds(1));
        assertThat(triggers.observe(dead)).get().asString().contains("node-a", "NotReady since", "PT5M");
        for (int i = 0; i < 100; i++) {
            assertThat(triggers.observe(dead)).as("update %d of the same episode", i).isEmpty();
        }
        assertThat(triggers.due()).isEmpty();
        assertThat(triggers.observe(notReady("node-a", "node.kubernetes.io/unreachable"))).isEmpty();
    }

    @Test
    void theTickFiresAnEpisodeNoUpdateReportsAndOnlyOnce() {
        assertThat(triggers.observe(notReady("node-a"))).isEmpty();
        clock.advance(Duration.ofMinutes(1));
        assertThat(triggers.observe(notReady("node-b"))).isEmpty();
        clock.advance(Duration.ofMinutes(4));
        assertThat(triggers.due()).get().asString().contains("node-a").doesNotContain("node-b");
        assertThat(triggers.due()).isEmpty();
        clock.advance(Duration.ofMinutes(1));
        assertThat(triggers.due()).get().asString().contains("node-b").doesNotContain("node-a");
        assertThat(triggers.due()).isEmpty();
    }

    @Test
    void aNodeSeenLongAfterItWentNotReadyIsDueAtOnce() {
        Node since = node("node-a", "False", clock.instant().minus(Duration.ofHours(2)));
        assertThat(triggers.observe(since)).get().asString().contains("node-a");
        assertThat(triggers.due()).isEmpty();
    }

    @Test
    void aNodeBackToReadyBeforeTheThresholdCallsForNoPassAndANewEpisodeCountsAfresh() {
        triggers.observe(notReady("node-a"));
        clock.advance(THRESHOLD.minusSeconds(1));
        assertThat(triggers.observe(node("node-a", "True", clock.instant()))).isEmpty();
        assertThat(triggers.notReady()).isEmpty();
        clock.advance(Duration.ofHours(1));
        assertThat(triggers.due()).isEmpty();

        assertThat(triggers.observe(notReady("node-a"))).isEmpty();
        clock.advance(THRESHOLD.minusSeconds(1));
        assertThat(triggers.due()).as("the threshold counts from the new episode").isEmpty();
        clock.advance(Duration.ofSeconds(1));
        assertThat(triggers.due()).isPresent();
    }

    @Test
    void aNodeThatStaysNotReadyKeepsItsFirstStartWhenTheConditionTransitionsAgain() {
        triggers.observe(node("node-a", "False", clock.instant()));
        clock.advance(Duration.ofMinutes(3));
        assertThat(triggers.observe(node("node-a", "Unknown", clock.instant()))).isEmpty();
        clock.advance(Duration.ofMinutes(2));
        assertThat(triggers.due()).as("five minutes NotReady in all").isPresent();
    }

    @Test
    void theOutOfServiceTaintCallsForOnePassWhenItAppearsAndAgainOnlyAfterItWasRemoved() {
        Node ready = node("node-a", "True", clock.instant());
        assertThat(triggers.observe(ready)).isEmpty();
        Node tainted = node("node-a", "True", clock.instant(), NodeTriggers.OUT_OF_SERVICE);
        assertThat(triggers.observe(tainted)).get().asString().contains("node-a", NodeTriggers.OUT_OF_SERVICE);
        for (int i = 0; i < 100; i++) {
            assertThat(triggers.observe(tainted)).as("update %d while still tainted", i).isEmpty();
        }
        assertThat(triggers.observe(ready)).isEmpty();
        assertThat(triggers.observe(tainted)).as("tainted again").isPresent();
    }

    @Test
    void otherTaintsAndReadyNodesCallForNothing() {
        for (String key : new String[] {"node.kubernetes.io/unreachable", "node.kubernetes.io/not-ready",
                "node.kubernetes.io/out-of-service-soon", "example.com/out-of-service"}) {
            assertThat(triggers.observe(node("node-a", "True", clock.instant(), key))).as(key).isEmpty();
        }
        assertThat(triggers.observe(new NodeBuilder().withNewMetadata().withName("node-b").endMetadata().build()))
                .as("no status yet").isEmpty();
        clock.advance(Duration.ofDays(1));
        assertThat(triggers.due()).isEmpty();
        assertThat(triggers.outOfService()).isEmpty();
    }

    @Test
    void aNodeTaintedAndLongNotReadyGivesOneReasonNamingBoth() {
        Node both = node("node-a", "Unknown", clock.instant().minus(Duration.ofHours(1)), NodeTriggers.OUT_OF_SERVICE);
        assertThat(triggers.observe(both)).get().asString().contains(NodeTriggers.OUT_OF_SERVICE, "NotReady since");
        assertThat(triggers.observe(both)).isEmpty();
    }

    @Test
    void aDeletedNodeIsForgottenSoARecreatedOneStartsAfresh() {
        triggers.observe(notReady("node-a", NodeTriggers.OUT_OF_SERVICE));
        triggers.forget("node-a");
        assertThat(triggers.notReady()).isEmpty();
        assertThat(triggers.outOfService()).isEmpty();
        clock.advance(Duration.ofHours(1));
        assertThat(triggers.due()).isEmpty();
        assertThat(triggers.observe(node("node-a", "True", clock.instant(), NodeTriggers.OUT_OF_SERVICE))).isPresent();
    }

    @Test
    void theNotReadyCheckRunsAtATenthOfTheThresholdWithin1To30Seconds() {
        assertThat(ClusterFencing.notReadyTick(Duration.ofMinutes(5))).isEqualTo(Duration.ofSeconds(30));
        assertThat(ClusterFencing.notReadyTick(Duration.ofMinutes(1))).isEqualTo(Duration.ofSeconds(6));
        assertThat(ClusterFencing.notReadyTick(Duration.ofSeconds(5))).isEqualTo(Duration.ofSeconds(1));
    }
}
