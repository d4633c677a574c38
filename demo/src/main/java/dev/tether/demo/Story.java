package dev.tether.demo;

import csi.v1.ControllerGrpc;
import csi.v1.Csi;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The chapters of the quick start, in the order an operator meets them. */
final class Story {
    private static final long GIB = 1L << 30;
    private final Narrator say;
    private final KubernetesClient kube;
    private final ControllerGrpc.ControllerBlockingStub controller;
    private final Cluster cluster;
    private final Attacher attacher;
    private final int metricsPort;

    Story(Narrator say, KubernetesClient kube, ControllerGrpc.ControllerBlockingStub controller, int metricsPort) {
        this.say = say;
        this.kube = kube;
        this.controller = controller;
        this.cluster = new Cluster(kube);
        this.attacher = new Attacher(controller, cluster, say);
        this.metricsPort = metricsPort;
    }

    void play() throws Exception {
        for (String node : List.of("node-a", "node-b", "node-c")) {
            cluster.readyNode(node);
        }
        say.say("Nodes node-a, node-b and node-c are Ready.");

        Csi.VolumeCapability rwoFs = capability(Csi.VolumeCapability.AccessMode.Mode.SINGLE_NODE_WRITER, false);
        say.chapter("A ReadWriteOnce volume is provisioned and attached to node-a");
        String db = create("data-postgres-0", rwoFs);
        String dbPv = cluster.boundVolume("data-postgres-0", db, GIB, "ReadWriteOnce", "Filesystem");
        attacher.attach(db, dbPv, "node-a", rwoFs);

        say.chapter("The pod is rescheduled to node-b while node-a still has the volume (the \"ping-pong\" that corrupts filesystems)");
        attacher.attach(db, dbPv, "node-b", rwoFs);
        say.say("Refused: a single-node volume is never published to two nodes. The Warning event below says what to do.");

        say.chapter("node-a lets go; node-b asks again at once, inside the handoff grace window");
        attacher.detach(db, dbPv, "node-a");
        attacher.publish(db, "node-b", rwoFs);
        say.say("ABORTED means \"retry soon\": csi-attacher retries with backoff, no conflict is raised for a normal handoff.");
        Thread.sleep(DemoMain.GRACE.plusMillis(500).toMillis());
        say.call("csi-attacher retries after the " + DemoMain.GRACE.toSeconds() + " s grace window");
        if ("OK".equals(attacher.publish(db, "node-b", rwoFs))) {
            cluster.markAttached(dbPv, "node-b", true);
        }

        Csi.VolumeCapability rwxBlock = capability(Csi.VolumeCapability.AccessMode.Mode.MULTI_NODE_MULTI_WRITER, true);
        say.chapter("KubeVirt live-migrates a VM: its block disk may be on two nodes, briefly");
        String disk = create("vm-disk-fedora", rwxBlock);
        String diskPv = cluster.boundVolume("vm-disk-fedora", disk, GIB, "ReadWriteMany", "Block");
        attacher.attach(disk, diskPv, "node-a", rwxBlock);
        attacher.attach(disk, diskPv, "node-c", rwxBlock);
        say.say("Source and target of the migration both have the disk; a third node is refused:");
        attacher.attach(disk, diskPv, "node-b", rwxBlock);
        cluster.deleteAttachment(diskPv, "node-b");
        say.say("The migration takes longer than the " + DemoMain.MIGRATION_WINDOW.toSeconds()
                + " s window configured for this demo: Tether warns (it never detaches a running VM on its own).");
        Thread.sleep(DemoMain.MIGRATION_WINDOW.plusSeconds(2).toMillis());
        attacher.detach(disk, diskPv, "node-a");

        say.chapter("node-b dies and is removed from the cluster while it still holds data-postgres-0");
        cluster.deleteNode("node-b");
        say.say("Tether's reconciler notices, revokes node-b at the storage target and clears the stale attachment.");
        say.say("No one has to delete VolumeAttachments or PV annotations by hand; node-c can take over:");
        awaitCleared(db, "node-b");
        if (!"OK".equals(attacher.attach(db, dbPv, "node-c", rwoFs))) {
            Thread.sleep(DemoMain.GRACE.plusMillis(500).toMillis());
            say.call("csi-attacher retries after the " + DemoMain.GRACE.toSeconds() + " s grace window");
            if ("OK".equals(attacher.publish(db, "node-c", rwoFs))) {
                cluster.markAttached(dbPv, "node-c", true);
            }
        }

        printEvents();
        printMetrics();
        say.raw("");
        say.raw("That was the controller on its real unix socket with the fake backend. The real-kernel face of this story");
        say.raw("(NVMe/TCP export, connect, path loss and recovery) is `hack/lab/run --demo`.");
    }

    private String create(String name, Csi.VolumeCapability capability) {
        say.call("csi-provisioner calls CreateVolume(" + name + ", 1 GiB)");
        Csi.CreateVolumeResponse response = controller.withDeadlineAfter(20, TimeUnit.SECONDS).createVolume(
                Csi.CreateVolumeRequest.newBuilder().setName(name)
                        .setCapacityRange(Csi.CapacityRange.newBuilder().setRequiredBytes(GIB))
                        .addVolumeCapabilities(capability).build());
        say.answer("OK", "volume_id " + response.getVolume().getVolumeId());
        return response.getVolume().getVolumeId();
    }

    private void awaitCleared(String volume, String node) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            var entries = controller.withDeadlineAfter(10, TimeUnit.SECONDS)
                    .listVolumes(Csi.ListVolumesRequest.getDefaultInstance()).getEntriesList();
            boolean stillThere = entries.stream().anyMatch(e -> e.getVolume().getVolumeId().equals(volume)
                    && e.getStatus().getPublishedNodeIdsList().stream().anyMatch(n -> n.startsWith(node + "/")));
            if (!stillThere) {
                return;
            }
            Thread.sleep(200);
        }
        say.say("(the stale attachment was not cleared within 30 s)");
    }

    private void printEvents() {
        say.chapter("What `kubectl get events -A` shows the operator");
        List<Event> events = kube.v1().events().inAnyNamespace().list().getItems().stream()
                .sorted(Comparator.comparing(e -> e.getMetadata().getCreationTimestamp() == null ? ""
                        : e.getMetadata().getCreationTimestamp()))
                .toList();
        say.raw(String.format("   %-8s %-24s %-36s %s", "TYPE", "REASON", "OBJECT", "MESSAGE"));
        for (Event e : events) {
            String object = e.getInvolvedObject().getKind().toLowerCase() + "/" + e.getInvolvedObject().getName();
            say.raw(String.format("   %-8s %-24s %-36s %s", e.getType(), e.getReason(), object, e.getMessage()));
        }
        if (events.isEmpty()) {
            say.say("(no events were recorded)");
        }
    }

    private void printMetrics() throws Exception {
        say.chapter("What Prometheus scrapes from /metrics (excerpt)");
        String body = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        body.lines()
                .filter(l -> l.startsWith("tether_") && !l.contains("_bucket{"))
                .filter(l -> !l.startsWith("tether_csi_operations_seconds_sum") && !l.startsWith("tether_csi_operations_seconds_max"))
                .filter(l -> !l.startsWith("tether_csi_operations_seconds_count") || l.contains("Publish"))
                .forEach(l -> say.raw("   " + l));
    }

    private static Csi.VolumeCapability capability(Csi.VolumeCapability.AccessMode.Mode mode, boolean block) {
        Csi.VolumeCapability.Builder capability = Csi.VolumeCapability.newBuilder()
                .setAccessMode(Csi.VolumeCapability.AccessMode.newBuilder().setMode(mode));
        if (block) {
            capability.setBlock(Csi.VolumeCapability.BlockVolume.getDefaultInstance());
        } else {
            capability.setMount(Csi.VolumeCapability.MountVolume.newBuilder().setFsType("ext4"));
        }
        return capability.build();
    }
}
