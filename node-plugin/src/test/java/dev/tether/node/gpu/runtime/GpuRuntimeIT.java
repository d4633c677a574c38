package dev.tether.node.gpu.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.driver.testing.Eventually;
import dev.tether.node.gpu.DevicePolicy;
import dev.tether.node.gpu.FakeKernels;
import dev.tether.node.gpu.GpuMode;
import dev.tether.node.gpu.VfioBinder;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The runtime against fabric8's mock API server (CRUD mode): it follows this Node's label and annotations. */
@EnableKubernetesMockClient(crud = true)
class GpuRuntimeIT {
    static KubernetesClient client;

    @TempDir
    Path root;
    @TempDir
    Path state;

    List<String> reasons() {
        return client.v1().events().inNamespace("default").list().getItems().stream()
                .filter(e -> "gpu-1".equals(e.getInvolvedObject().getName()) && "Node".equals(e.getInvolvedObject().getKind()))
                .map(Event::getReason).toList();
    }

    @Test
    void followsTheNodeLabelAndThePerDeviceAnnotation() throws Exception {
        // createOr(update): on a loaded machine the client may retry a slow POST and meet its own first attempt
        client.nodes().resource(new NodeBuilder().withNewMetadata().withName("gpu-1").endMetadata().build())
                .createOr(NonDeletingOperation::update);
        client.nodes().resource(new NodeBuilder().withNewMetadata().withName("other").endMetadata().build())
                .createOr(NonDeletingOperation::update);
        FakeKernels.Machine machine = FakeKernels.twoGpus(root);
        VfioBinder binder = machine.binder(state, DevicePolicy.parse("10de", false));
        GpuReconciler reconciler = new GpuReconciler(binder, new KubeNodeEvents(client, "gpu-1", Clock.systemUTC()),
                new GpuMetrics(new SimpleMeterRegistry()));
        try (GpuRuntime runtime = new GpuRuntime(binder, reconciler, GpuMode.NONE)) {
            runtime.begin(Optional.of(client), "gpu-1", 3_600_000);

            // another node's label is not ours
            client.nodes().withName("other").edit(n -> new NodeBuilder(n).editMetadata()
                    .addToLabels("tether.csi.dev/gpu-mode", "vfio").endMetadata().build());
            client.nodes().withName("gpu-1").edit(n -> new NodeBuilder(n).editMetadata()
                    .addToLabels("tether.csi.dev/gpu-mode", "vfio").endMetadata().build());
            Eventually.await("both GPUs on vfio-pci", Duration.ofSeconds(20),
                    () -> "vfio-pci".equals(machine.driverOf("0000:01:00.0")) && "vfio-pci".equals(machine.driverOf("0000:02:00.0")));
            assertThat(machine.driverOf("0000:01:00.1")).isEqualTo("vfio-pci");
            Eventually.await("two GpuBound events on the Node", Duration.ofSeconds(20),
                    () -> reasons().stream().filter("GpuBound"::equals).count() == 2);

            client.nodes().withName("gpu-1").edit(n -> new NodeBuilder(n).editMetadata()
                    .addToAnnotations("tether.csi.dev/gpu-mode.0000:02:00.0", "host").endMetadata().build());
            Eventually.await("0000:02:00.0 back on nouveau", Duration.ofSeconds(20),
                    () -> "nouveau".equals(machine.driverOf("0000:02:00.0")));
            assertThat(machine.driverOf("0000:01:00.0")).isEqualTo("vfio-pci");
            Eventually.await("a GpuReturnedToHost event", Duration.ofSeconds(20),
                    () -> reasons().contains("GpuReturnedToHost"));
        }
    }
}
