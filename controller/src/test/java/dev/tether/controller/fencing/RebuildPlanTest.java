package dev.tether.controller.fencing;

import static org.assertj.core.api.Assertions.assertThat;

import csi.v1.Csi.VolumeCapability.AccessMode.Mode;
import dev.tether.driver.model.NodeId;
import dev.tether.driver.model.VolumeId;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How a rebuild resolves what the VolumeAttachments and the annotation say, toward never two writers. */
class RebuildPlanTest {
    static final VolumeId V = new VolumeId("pvc-1");
    static final AccessSpec RWO = new AccessSpec(Mode.SINGLE_NODE_WRITER, false, false);
    static final AccessSpec MIGRATION = new AccessSpec(Mode.MULTI_NODE_MULTI_WRITER, true, false);

    static Attachment on(String node, AccessSpec access, int minute) {
        return new Attachment(NodeId.parse(PublishRig.node(node)), access, Map.of(),
                Instant.parse("2026-12-01T10:00:00Z").plusSeconds(60L * minute));
    }

    static List<String> nodes(List<Attachment> list) {
        return list.stream().map(a -> a.node().nodeName()).toList();
    }

    @Test
    void agreementKeepsEverythingAndReportsNothing() {
        RebuildPlan.Outcome outcome = RebuildPlan.resolve(V, List.of(new RebuildPlan.Candidate(on("a", RWO, 0), true, true, true)));
        assertThat(nodes(outcome.keep())).containsExactly("a");
        assertThat(outcome.revoke()).isEmpty();
        assertThat(outcome.findings()).isEmpty();
    }

    @Test
    void theSameNodeFromBothSourcesIsOneAttachmentWithTheRecordedDetails() {
        Attachment recorded = on("a", RWO, 0);
        RebuildPlan.Outcome outcome = RebuildPlan.resolve(V, List.of(
                new RebuildPlan.Candidate(recorded, true, false, false),
                new RebuildPlan.Candidate(on("a", RWO, 5), false, true, true)));
        assertThat(outcome.keep()).containsExactly(recorded);
        assertThat(outcome.revoke()).isEmpty();
        assertThat(outcome.findings()).isEmpty();
    }

    @Test
    void aSingleNodeVolumeOnTwoNodesKeepsTheAttachedVolumeAttachmentOverAnOlderRecord() {
        RebuildPlan.Outcome outcome = RebuildPlan.resolve(V, List.of(
                new RebuildPlan.Candidate(on("a", RWO, 0), true, false, false),
                new RebuildPlan.Candidate(on("b", RWO, 5), false, true, true)));
        assertThat(nodes(outcome.keep())).containsExactly("b");
        assertThat(nodes(outcome.revoke())).containsExactly("a");
        assertThat(String.join("\n", outcome.findings())).contains("kept b", "revoked a");
    }

    @Test
    void withoutAnyVolumeAttachmentTheOldestRecordWins() {
        RebuildPlan.Outcome outcome = RebuildPlan.resolve(V, List.of(
                new RebuildPlan.Candidate(on("b", RWO, 5), true, false, false),
                new RebuildPlan.Candidate(on("a", RWO, 0), true, false, false)));
        assertThat(nodes(outcome.keep())).containsExactly("a");
        assertThat(nodes(outcome.revoke())).containsExactly("b");
    }

    @Test
    void aMigrationVolumeKeepsTwoNodesAndRevokesAThird() {
        RebuildPlan.Outcome outcome = RebuildPlan.resolve(V, List.of(
                new RebuildPlan.Candidate(on("a", MIGRATION, 0), true, true, true),
                new RebuildPlan.Candidate(on("b", MIGRATION, 1), true, true, true),
                new RebuildPlan.Candidate(on("c", MIGRATION, 2), true, false, false)));
        assertThat(nodes(outcome.keep())).containsExactly("a", "b");
        assertThat(nodes(outcome.revoke())).containsExactly("c");
    }

    @Test
    void aMigrationAttachmentNextToASingleNodeOneCountsAsSingleNode() {
        RebuildPlan.Outcome outcome = RebuildPlan.resolve(V, List.of(
                new RebuildPlan.Candidate(on("a", MIGRATION, 0), true, true, true),
                new RebuildPlan.Candidate(on("b", new AccessSpec(Mode.SINGLE_NODE_WRITER, true, false), 1), true, true, true)));
        assertThat(outcome.keep()).hasSize(1);
        assertThat(outcome.revoke()).hasSize(1);
    }
}
