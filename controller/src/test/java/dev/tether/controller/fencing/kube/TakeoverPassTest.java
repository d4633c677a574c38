package dev.tether.controller.fencing.kube;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.driver.model.VolumeId;
import dev.tether.driver.testing.Eventually;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pass a takeover asks for is not lost to a request left over from the previous term. */
class TakeoverPassTest {
    @TempDir
    Path dir;

    @Test
    void aTakeoverRightAfterAStepDownStillRunsItsPass() throws Exception {
        try (TriggerRig rig = new TriggerRig(dir, "node-a")) {
            rig.volume("pvc-stale");
            rig.start();
            rig.publish("pvc-stale", "node-a"); // recorded on the PV, no VolumeAttachment: stale for the next pass
            rig.clock.advance(Duration.ofSeconds(1));

            rig.fencing.requestPass("a VolumeAttachment deleted just before the lease was lost");
            rig.fencing.stepDown();
            rig.fencing.startAlone(); // the lease comes back within the second
            Eventually.await("serving again", Duration.ofSeconds(60), () -> rig.serving.notServing().isEmpty());
            assertThat(rig.registry.get(new VolumeId("pvc-stale"))).as("rebuilt from the PV").hasSize(1);
            rig.fencing.settle();

            assertThat(rig.passes()).as("the takeover pass ran").isEqualTo(2);
            assertThat(rig.publishedNodes("pvc-stale")).isEmpty();
        }
    }
}
