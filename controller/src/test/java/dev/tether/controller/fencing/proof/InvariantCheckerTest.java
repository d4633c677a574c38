package dev.tether.controller.fencing.proof;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status.Code;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The checker on crafted histories: it must catch each kind of violation, and must not cry wolf on legal ones. */
class InvariantCheckerTest {
    private static final Set<String> SINGLE = Set.of("v1");
    private final List<Op> ops = new ArrayList<>();

    private void publish(String node, long start, long end, Code code) {
        ops.add(new Op(ops.size() + 1, Op.Kind.PUBLISH, "v1", node, start, end, Op.Outcome.of(code), code,
                code == Code.OK ? Map.of("ctx", node) : Map.of()));
    }

    private void unpublish(String node, long start, long end, Code code) {
        ops.add(new Op(ops.size() + 1, Op.Kind.UNPUBLISH, "v1", node, start, end, Op.Outcome.of(code), code, Map.of()));
    }

    @Test
    void twoAcknowledgedPublishesWithoutUnpublishAreAViolation() {
        publish("a", 1, 2, Code.OK);
        publish("b", 3, 4, Code.OK);
        assertThat(InvariantChecker.singleWriter(ops, SINGLE)).singleElement().asString()
                .contains("two nodes at once").contains("-> a").contains("-> b");
    }

    @Test
    void overlappingAcknowledgedPublishesToTwoNodesAreAViolationWhicheverCameFirst() {
        publish("a", 1, 10, Code.OK);
        publish("b", 2, 9, Code.OK);
        assertThat(InvariantChecker.singleWriter(ops, SINGLE)).hasSize(1);
    }

    @Test
    void anUnpublishBetweenMakesAHandoffLegal() {
        publish("a", 1, 2, Code.OK);
        unpublish("a", 3, 4, Code.OK);
        publish("b", 5, 6, Code.OK);
        assertThat(InvariantChecker.singleWriter(ops, SINGLE)).isEmpty();
    }

    @Test
    void anUnpublishFromAllNodesSeparatesToo() {
        publish("a", 1, 2, Code.OK);
        unpublish("", 3, 4, Code.OK);
        publish("b", 5, 6, Code.OK);
        assertThat(InvariantChecker.singleWriter(ops, SINGLE)).isEmpty();
    }

    @Test
    void anAmbiguousUnpublishMayHaveHappenedSoItSeparates() {
        publish("a", 1, 2, Code.OK);
        unpublish("a", 3, 4, Code.UNAVAILABLE);
        publish("b", 5, 6, Code.OK);
        assertThat(InvariantChecker.singleWriter(ops, SINGLE)).isEmpty();
    }

    @Test
    void aRefusedUnpublishDoesNotSeparate() {
        publish("a", 1, 2, Code.OK);
        unpublish("a", 3, 4, Code.ABORTED);
        publish("b", 5, 6, Code.OK);
        assertThat(InvariantChecker.singleWriter(ops, SINGLE)).hasSize(1);
    }

    @Test
    void anUnpublishThatEndedBeforeThePublishBeganDoesNotSeparate() {
        unpublish("a", 1, 2, Code.OK);
        publish("a", 3, 4, Code.OK);
        publish("b", 5, 6, Code.OK);
        assertThat(InvariantChecker.singleWriter(ops, SINGLE)).hasSize(1);
    }

    @Test
    void anUnpublishSentAfterTheSecondPublishWasAnsweredIsTooLate() {
        publish("a", 1, 2, Code.OK);
        publish("b", 3, 4, Code.OK);
        unpublish("a", 5, 6, Code.OK);
        assertThat(InvariantChecker.singleWriter(ops, SINGLE)).hasSize(1);
    }

    @Test
    void anUnpublishOverlappingBothPublishesCanBeOrderedBetweenThem() {
        publish("a", 1, 4, Code.OK);
        unpublish("a", 2, 7, Code.OK);
        publish("b", 3, 8, Code.OK);
        assertThat(InvariantChecker.singleWriter(ops, SINGLE)).isEmpty();
    }

    @Test
    void aRepublishAfterAHandoffConflictsWithTheNewOwner() {
        publish("a", 1, 2, Code.OK);
        unpublish("a", 3, 4, Code.OK);
        publish("b", 5, 6, Code.OK);
        publish("a", 7, 8, Code.OK);
        assertThat(InvariantChecker.singleWriter(ops, SINGLE)).singleElement().asString().contains("#3").contains("#4");
    }

    @Test
    void refusedAndAmbiguousPublishesAreNotAcknowledgements() {
        publish("a", 1, 2, Code.OK);
        publish("b", 3, 4, Code.FAILED_PRECONDITION);
        publish("b", 5, 6, Code.UNAVAILABLE);
        publish("a", 7, 8, Code.OK);
        assertThat(InvariantChecker.singleWriter(ops, SINGLE)).isEmpty();
    }

    @Test
    void multiNodeVolumesAreNotChecked() {
        publish("a", 1, 2, Code.OK);
        publish("b", 3, 4, Code.OK);
        assertThat(InvariantChecker.singleWriter(ops, Set.of())).isEmpty();
    }

    @Test
    void afterARestartAnAcknowledgedAttachmentMustStillBeReported() {
        publish("a", 1, 2, Code.OK);
        assertThat(InvariantChecker.afterRestart(ops, Map.of("v1", Set.of()))).singleElement().asString()
                .contains("lost").contains("[a]");
        assertThat(InvariantChecker.afterRestart(ops, Map.of("v1", Set.of("a")))).isEmpty();
    }

    @Test
    void afterARestartAnAmbiguousUnpublishMayGoEitherWay() {
        publish("a", 1, 2, Code.OK);
        unpublish("a", 3, 4, Code.DEADLINE_EXCEEDED);
        assertThat(InvariantChecker.afterRestart(ops, Map.of("v1", Set.of()))).isEmpty();
        assertThat(InvariantChecker.afterRestart(ops, Map.of("v1", Set.of("a")))).isEmpty();
    }

    @Test
    void afterARestartAnAmbiguousPublishMayGoEitherWayButARefusedOneMayNotAppear() {
        publish("a", 1, 2, Code.UNAVAILABLE);
        publish("b", 3, 4, Code.FAILED_PRECONDITION);
        assertThat(InvariantChecker.afterRestart(ops, Map.of("v1", Set.of()))).isEmpty();
        assertThat(InvariantChecker.afterRestart(ops, Map.of("v1", Set.of("a")))).isEmpty();
        assertThat(InvariantChecker.afterRestart(ops, Map.of("v1", Set.of("b")))).singleElement().asString()
                .contains("[b]").contains("no publish can explain");
    }

    @Test
    void afterARestartAnAcknowledgedUnpublishMustHaveStuck() {
        publish("a", 1, 2, Code.OK);
        unpublish("a", 3, 4, Code.OK);
        assertThat(InvariantChecker.afterRestart(ops, Map.of("v1", Set.of("a")))).hasSize(1);
        assertThat(InvariantChecker.expected(ops, "v1"))
                .isEqualTo(new InvariantChecker.Expected(Set.of(), Set.of()));
    }

    @Test
    void theLastAcknowledgedContextIsTheOneARepeatedPublishMustReturn() {
        publish("a", 1, 2, Code.OK);
        publish("b", 3, 4, Code.OK);
        assertThat(InvariantChecker.lastContext(ops, "v1", "a")).contains(Map.of("ctx", "a"));
        assertThat(InvariantChecker.lastContext(ops, "v1", "c")).isEmpty();
    }
}
