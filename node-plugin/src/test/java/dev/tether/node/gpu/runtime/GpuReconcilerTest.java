package dev.tether.node.gpu.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.node.gpu.DeclaredModes;
import dev.tether.node.gpu.DevicePolicy;
import dev.tether.node.gpu.FakeKernels;
import dev.tether.node.gpu.GpuMode;
import dev.tether.node.gpu.Outcome;
import dev.tether.node.gpu.VfioBinder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GpuReconcilerTest {
    static final String GPU = "0000:01:00.0";
    static final String AUDIO = "0000:01:00.1";
    static final String GPU2 = "0000:02:00.0";

    @TempDir
    Path root;
    @TempDir
    Path state;
    FakeKernels.Machine machine;
    final List<String> events = new ArrayList<>();
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    GpuReconciler reconciler;

    @BeforeEach
    void setUp() {
        machine = FakeKernels.twoGpus(root);
        VfioBinder binder = machine.binder(state, DevicePolicy.parse("10de", false));
        reconciler = new GpuReconciler(binder, (type, reason, message) -> events.add(type + " " + reason + " " + message),
                new GpuMetrics(registry));
    }

    static DeclaredModes modes(Map<String, String> labels, Map<String, String> annotations) {
        return DeclaredModes.from(labels, annotations, GpuMode.NONE);
    }

    double ops(String op, String result) {
        var c = registry.find("tether_gpu_bind_operations_total").tag("op", op).tag("result", result).counter();
        return c == null ? 0 : c.count();
    }

    double devices(String mode, String driver) {
        var g = registry.find("tether_gpu_devices").tag("mode", mode).tag("driver", driver).gauge();
        return g == null ? 0 : g.value();
    }

    @Test
    void noLabelAndDefaultNoneTouchesNothing() {
        assertThat(reconciler.reconcile(modes(Map.of(), Map.of()))).isEmpty();
        assertThat(machine.writes()).isEmpty();
        assertThat(events).isEmpty();
        assertThat(devices("none", "nouveau")).isEqualTo(2);
    }

    @Test
    void nodeLabelVfioBindsEveryGpuAndAnAnnotationKeepsOneOnTheHost() {
        List<Outcome> outcomes = reconciler.reconcile(modes(Map.of(DeclaredModes.LABEL, "vfio"),
                Map.of(DeclaredModes.ANNOTATION_PREFIX + GPU2, "host")));

        assertThat(outcomes).singleElement().satisfies(o -> assertThat(o.result()).isEqualTo(Outcome.Result.SUCCESS));
        assertThat(machine.driverOf(GPU)).isEqualTo("vfio-pci");
        assertThat(machine.driverOf(AUDIO)).isEqualTo("vfio-pci");
        assertThat(machine.driverOf(GPU2)).isEqualTo("nouveau");
        assertThat(events).singleElement().asString().startsWith("Normal GpuBound bind " + GPU);
        assertThat(ops("bind", "success")).isEqualTo(1);
        assertThat(devices("vfio", "vfio-pci")).isEqualTo(2);
        assertThat(devices("host", "nouveau")).isEqualTo(1);

        // a second pass (a resync, a restart) writes nothing
        int writes = machine.writes().size();
        assertThat(reconciler.reconcile(modes(Map.of(DeclaredModes.LABEL, "vfio"),
                Map.of(DeclaredModes.ANNOTATION_PREFIX + GPU2, "host")))).isEmpty();
        assertThat(machine.writes()).hasSize(writes);

        // label to host: returned, with its event
        reconciler.reconcile(modes(Map.of(DeclaredModes.LABEL, "host"), Map.of()));
        assertThat(machine.driverOf(GPU)).isEqualTo("nouveau");
        assertThat(machine.driverOf(AUDIO)).isEqualTo("snd_hda_intel");
        assertThat(events).last().asString().startsWith("Normal GpuReturnedToHost unbind " + GPU);
        assertThat(ops("unbind", "success")).isEqualTo(1);
    }

    @Test
    void aDeviceInUseIsRefusedWithOneWarningNamingTheHolderAndTakenWhenFree() {
        machine.holder(555, "qemu-kvm", "/dev/vfio/12");
        reconciler.reconcile(modes(Map.of(DeclaredModes.LABEL, "vfio"), Map.of()));
        reconciler.reconcile(modes(Map.of(DeclaredModes.LABEL, "vfio"), Map.of()));

        assertThat(machine.driverOf(GPU)).isEqualTo("nouveau");
        assertThat(events.stream().filter(e -> e.contains(GPU + " "))).singleElement().asString()
                .startsWith("Warning GpuBindFailed").contains("pid 555 (qemu-kvm) holds /dev/vfio/12", "will retry");
        assertThat(ops("bind", "refused")).isEqualTo(2);

        machine.release(555);
        reconciler.reconcile(modes(Map.of(DeclaredModes.LABEL, "vfio"), Map.of()));
        assertThat(machine.driverOf(GPU)).isEqualTo("vfio-pci");
        assertThat(events).anyMatch(e -> e.startsWith("Normal GpuBound bind " + GPU));
    }

    @Test
    void aBadModeValueIsAWarningAndChangesNothing() {
        reconciler.reconcile(modes(Map.of(), Map.of(DeclaredModes.ANNOTATION_PREFIX + GPU, "passthrough")));
        assertThat(machine.writes()).isEmpty();
        assertThat(events).singleElement().asString().startsWith("Warning GpuBindFailed")
                .contains("'passthrough' is not a GPU mode", DeclaredModes.ANNOTATION_PREFIX + GPU);
    }

    @Test
    void aFailedTransitionIsAWarningAndCountedAsFailed() {
        reconciler.reconcile(modes(Map.of(DeclaredModes.LABEL, "vfio"), Map.of()));
        machine.kernel().ignoreOverrideClears = 100;
        reconciler.reconcile(modes(Map.of(DeclaredModes.LABEL, "host"), Map.of()));
        assertThat(ops("unbind", "failed")).isEqualTo(2);
        assertThat(events).filteredOn(e -> e.startsWith("Warning GpuBindFailed")).hasSize(2);
        assertThat(machine.driverOf(GPU)).isEqualTo("vfio-pci");
    }

    @Test
    void aJournalThatCannotBeWrittenStopsThatDeviceBeforeAnyChangeAndNotTheOthers() throws Exception {
        // the state dir is a file: the journal cannot be created
        Path file = Files.createFile(state.resolve("not-a-dir"));
        VfioBinder broken = machine.binder(file, DevicePolicy.parse("10de", false));
        GpuReconciler r = new GpuReconciler(broken, (type, reason, message) -> events.add(type + " " + reason + " " + message),
                new GpuMetrics(registry));
        r.reconcile(modes(Map.of(DeclaredModes.LABEL, "vfio"), Map.of()));
        assertThat(machine.writes()).isEmpty();
        assertThat(events).hasSize(2).allMatch(e -> e.startsWith("Warning GpuBindFailed bind "));
    }
}
