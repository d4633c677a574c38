package dev.tether.controller.fencing.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.tether.driver.testing.Eventually;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The out-of-service taint and the NotReady threshold, end to end: node updates through the mock API server reach
 * the informer, a pass runs, and it clears what no VolumeAttachment backs any more while a node whose
 * VolumeAttachment still exists keeps its volume (Kubernetes' force-detach, not the trigger, lets it go).
 *
 * <p>Two volumes on node-a: pvc-held, whose VolumeAttachment is attached, and pvc-stale, a record no VolumeAttachment
 * backs (its delete was never seen). Only a pass clears pvc-stale, and the periodic pass is hourly, so pvc-stale
 * shows whether a trigger ran a pass; {@code tether_reconciler_runs_total} counts them. Absence is checked after
 * {@link ClusterFencing#settle()}, once a witness update on node-w (which calls for no pass) shows the informer
 * delivered the updates before it.
 */
class ClusterFencingTriggersTest {
    static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;
    TriggerRig rig;

    @BeforeEach
    void start() throws Exception {
        rig = new TriggerRig(dir, "node-a", "node-b", "node-w");
        rig.volume("pvc-held");
        rig.volume("pvc-stale");
        rig.start();
        rig.attached("pvc-held", "node-a");
        rig.publish("pvc-held", "node-a");
        rig.publish("pvc-stale", "node-a");
        rig.clock.advance(Duration.ofSeconds(1)); // both are older than any pass from now on
        rig.fencing.settle();
        assertThat(rig.passes()).as("publishing triggers no pass").isEqualTo(1);
    }

    @AfterEach
    void stop() throws Exception {
        rig.close();
    }

    void awaitStaleCleared() throws InterruptedException {
        Eventually.await("pvc-stale cleared", WAIT, () -> rig.publishedNodes("pvc-stale").isEmpty());
        assertThat(rig.granted("pvc-stale", "node-a")).as("revoked at the target").isFalse();
        assertThat(rig.cleared).anySatisfy(m -> assertThat(m).contains("pvc-stale", "node-a", "no VolumeAttachment"));
    }

    void assertHeldStillOnA() {
        assertThat(rig.publishedNodes("pvc-held")).containsExactly("node-a");
        assertThat(rig.granted("pvc-held", "node-a")).isTrue();
        assertThat(rig.cleared).noneSatisfy(m -> assertThat(m).contains("pvc-held"));
    }

    /** node-w turns NotReady now: no pass, but once the informer shows it, every earlier node update was handled. */
    void witness() throws Exception {
        rig.notReadyNow("node-w");
        Eventually.await("the witness update handled", WAIT, () -> rig.fencing.nodeTriggers().notReady().contains("node-w"));
        rig.fencing.settle();
    }

    static Status.Code code(Runnable call) {
        StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, call::run);
        return e == null ? Status.Code.OK : e.getStatus().getCode();
    }

    @Test
    void theOutOfServiceTaintRunsAPassAndTheForceDetachThatFollowsFreesTheVolumeForAnotherNode() throws Exception {
        rig.taint("node-a", NodeTriggers.OUT_OF_SERVICE, "NoExecute");
        awaitStaleCleared();
        for (int i = 0; i < 20; i++) {
            rig.touch("node-a", i);
        }
        witness();
        assertThat(rig.passes()).as("one pass for the taint, none for the updates of the tainted node").isEqualTo(2);

        // the taint alone revokes nothing that Kubernetes still attaches: that is the force-detach's job
        assertHeldStillOnA();
        assertThat(code(() -> rig.publish("pvc-held", "node-b"))).isEqualTo(Status.Code.FAILED_PRECONDITION);

        // Kubernetes force-detaches (the VolumeAttachment goes; here without the attacher's unpublish ever arriving)
        rig.deleteVolumeAttachment("pvc-held", "node-a");
        Eventually.await("pvc-held cleared after its VolumeAttachment went", WAIT, () -> rig.publishedNodes("pvc-held").isEmpty());
        assertThat(rig.granted("pvc-held", "node-a")).isFalse();
        assertThat(code(() -> rig.publish("pvc-held", "node-b"))).as("detach grace").isEqualTo(Status.Code.ABORTED);
        rig.clock.advance(Duration.ofSeconds(11));
        rig.attached("pvc-held", "node-b");
        rig.publish("pvc-held", "node-b");
        assertThat(rig.publishedNodes("pvc-held")).containsExactly("node-b");
        assertThat(rig.granted("pvc-held", "node-b")).isTrue();
        assertThat(rig.granted("pvc-held", "node-a")).isFalse();
    }

    @Test
    void aNodeNotReadyPastTheThresholdRunsOnePassEvenIfNothingUpdatesItAgain() throws Exception {
        rig.notReadyNow("node-a");
        Eventually.await("node-a seen NotReady", WAIT, () -> rig.fencing.nodeTriggers().notReady().contains("node-a"));
        rig.clock.advance(TriggerRig.THRESHOLD.minusSeconds(1));
        rig.fencing.settle();
        assertThat(rig.passes()).as("a second before the threshold").isEqualTo(1);
        assertThat(rig.publishedNodes("pvc-stale")).containsExactly("node-a");

        rig.clock.advance(Duration.ofSeconds(1));
        awaitStaleCleared(); // no node update since: the periodic NotReady check ran it
        rig.fencing.settle();
        assertThat(rig.passes()).isEqualTo(2);
        assertHeldStillOnA(); // NotReady alone never revokes: its VolumeAttachment still stands

        // what a dead node keeps getting: the node lifecycle controller's taints, other controllers' updates, resyncs
        rig.taint("node-a", "node.kubernetes.io/unreachable", "NoExecute");
        for (int i = 0; i < 30; i++) {
            rig.touch("node-a", i);
        }
        witness();
        assertThat(rig.passes()).as("one pass per NotReady episode, not one per update").isEqualTo(2);
        assertHeldStillOnA();
    }

    @Test
    void aNodeBackToReadyBeforeTheThresholdGetsNoPassAndItsNextEpisodeCountsAfresh() throws Exception {
        rig.notReadyNow("node-a");
        Eventually.await("node-a seen NotReady", WAIT, () -> rig.fencing.nodeTriggers().notReady().contains("node-a"));
        rig.clock.advance(TriggerRig.THRESHOLD.minusSeconds(1));
        rig.readyNow("node-a");
        Eventually.await("node-a seen Ready", WAIT, () -> !rig.fencing.nodeTriggers().notReady().contains("node-a"));
        rig.clock.advance(Duration.ofHours(1));
        rig.fencing.settle();
        assertThat(rig.passes()).isEqualTo(1);
        assertThat(rig.publishedNodes("pvc-stale")).containsExactly("node-a");

        rig.notReadyNow("node-a");
        Eventually.await("node-a seen NotReady again", WAIT, () -> rig.fencing.nodeTriggers().notReady().contains("node-a"));
        rig.clock.advance(TriggerRig.THRESHOLD.minusSeconds(1));
        rig.fencing.settle();
        assertThat(rig.passes()).as("the threshold counts from the new episode").isEqualTo(1);
        rig.clock.advance(Duration.ofSeconds(1));
        awaitStaleCleared();
        assertHeldStillOnA();
    }

    @Test
    void taintsWithOtherKeysRunNoPass() throws Exception {
        rig.taint("node-a", "node.kubernetes.io/unreachable", "NoExecute");
        rig.taint("node-a", "node.kubernetes.io/not-ready", "NoSchedule");
        rig.taint("node-a", "example.com/out-of-service", "NoExecute");
        witness();
        assertThat(rig.passes()).isEqualTo(1);
        assertThat(rig.publishedNodes("pvc-stale")).containsExactly("node-a");

        rig.taint("node-a", NodeTriggers.OUT_OF_SERVICE, "NoExecute");
        awaitStaleCleared();
        assertHeldStillOnA();
    }
}
