package dev.tether.controller.fencing.proof;

import csi.v1.ControllerGrpc;
import csi.v1.Csi;
import csi.v1.Csi.VolumeCapability.AccessMode.Mode;
import dev.tether.controller.fencing.proof.FaultInjector.Rates;
import dev.tether.driver.testing.CsiClient;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * The concurrency torture: worker threads play the external-attacher for random (volume, node) pairs while a chaos
 * thread kills and restarts the controller and (with a cluster) cuts the API; after each round every worker stops,
 * the controller restarts, and what it reports is checked against the history. All randomness comes from the seed.
 */
public final class Torture {
    /**
     * What to run. {@code chaos}: crash the controller under load and cut the API during rounds (else only the
     * restart between rounds).
     */
    public record Plan(long seed, int volumes, int nodes, int workers, int rounds, int opsPerRound, Rates rates,
            boolean chaos) {
    }

    /** What happened: the history, every violation found, and counters that show the run was not vacuous. */
    public record Report(List<Op> history, List<String> violations, Map<String, Long> outcomes, int restarts,
            int hotRestarts, int outages, Map<FaultInjector.Fault, Long> faults, long millis, long restartMillis,
            int verifiedAfterRestart) {
    }

    private final Plan plan;
    private final ControllerProcess controller;
    private final MockCluster cluster;
    private final Path out;
    private final History history = new History();
    private final List<Attacher> pairs = new ArrayList<>();
    private final List<String> volumeIds = new ArrayList<>();
    private final List<String> violations = new CopyOnWriteArrayList<>();
    private final Map<String, AtomicLong> outcomes = new ConcurrentHashMap<>();
    private volatile CsiClient client;
    private int restarts;
    private int hotRestarts;
    private int outages;
    private long restartNanos;
    private int verifiedAfterRestart;

    public Torture(Plan plan, ControllerProcess controller, MockCluster cluster, Path out) {
        this.plan = plan;
        this.controller = controller;
        this.cluster = cluster;
        this.out = out;
        Csi.VolumeCapability capability = Csi.VolumeCapability.newBuilder()
                .setMount(Csi.VolumeCapability.MountVolume.newBuilder().setFsType("ext4"))
                .setAccessMode(Csi.VolumeCapability.AccessMode.newBuilder().setMode(Mode.SINGLE_NODE_WRITER)).build();
        for (int v = 0; v < plan.volumes(); v++) {
            volumeIds.add("torture-" + v);
        }
        for (String volume : volumeIds) {
            for (int n = 0; n < plan.nodes(); n++) {
                pairs.add(new Attacher(volume, nodeName(n), nodeId(n), capability, cluster, history));
            }
        }
    }

    static String nodeName(int n) {
        return "node-" + n;
    }

    static String nodeId(int n) {
        return nodeName(n) + "/nqn.2014-08.org.nvmexpress:uuid:00000000-0000-4000-8000-" + String.format("%012d", n);
    }

    public Report run() throws Exception {
        long began = System.nanoTime();
        if (cluster != null) {
            for (int n = 0; n < plan.nodes(); n++) {
                cluster.addNode(nodeName(n), nodeId(n));
            }
            for (String volume : volumeIds) {
                cluster.addPersistentVolume(volume, "ReadWriteOnce", false);
            }
        }
        Random chaos = new Random(plan.seed());
        startController();
        try {
            for (int round = 0; round < plan.rounds(); round++) {
                runRound(round, chaos);
                // Quiesced: every call of the round has been answered. Restart and check what survived.
                restart(round % 2 == 0 ? "SIGKILL" : "SIGTERM");
                checkAfterRestart(round);
            }
        } finally {
            if (client != null) {
                client.close();
            }
        }
        List<Op> all = history.snapshot();
        violations.addAll(InvariantChecker.singleWriter(all, new TreeSet<>(volumeIds)));
        writeHistory(all);
        Map<String, Long> counts = new TreeMap<>();
        outcomes.forEach((k, v) -> counts.put(k, v.get()));
        return new Report(all, List.copyOf(violations), counts, restarts, hotRestarts, outages,
                cluster == null ? Map.of() : cluster.faults().counts(), (System.nanoTime() - began) / 1_000_000,
                restartNanos / 1_000_000, verifiedAfterRestart);
    }

    private void runRound(int round, Random chaos) throws Exception {
        if (cluster != null) {
            cluster.faults().rates(plan.rates());
        }
        AtomicInteger budget = new AtomicInteger(plan.opsPerRound());
        List<Thread> workers = new ArrayList<>();
        for (int w = 0; w < plan.workers(); w++) {
            Random random = new Random(plan.seed() * 1_000_003L + round * 1_009L + w);
            workers.add(Thread.ofPlatform().name("torture-" + round + "-" + w).start(() -> work(random, budget)));
        }
        Thread monitor = Thread.ofPlatform().name("torture-monitor").daemon().start(() -> monitor(budget));
        // Chaos while the workers run: a crash and restart under load, and with a cluster an API outage.
        boolean hot = chaos.nextInt(3) != 0 && plan.chaos();
        long outage = cluster != null && chaos.nextBoolean() && plan.chaos() ? 300 + chaos.nextInt(1500) : 0;
        Thread.sleep(200 + chaos.nextInt(800));
        if (outage > 0 && budget.get() > 0) {
            cluster.faults().outage(Duration.ofMillis(outage));
            outages++;
            Thread.sleep(outage + 200 + chaos.nextInt(500));
        }
        if (hot && budget.get() > 0) {
            hotRestarts++;
            restart("SIGKILL under load");
        }
        for (Thread worker : workers) {
            worker.join();
        }
        monitor.join();
        if (cluster != null) {
            cluster.faults().endOutage();
        }
    }

    private void work(Random random, AtomicInteger budget) {
        long backoff = 0;
        while (budget.getAndDecrement() > 0) {
            Attacher pair = pairs.get(random.nextInt(pairs.size()));
            int roll = random.nextInt(100);
            if (!pair.tryLock()) {
                budget.incrementAndGet();
                Thread.onSpinWait();
                continue;
            }
            Op op;
            try {
                op = switch (pair.state()) {
                    case DETACHED -> pair.attach(this::stub);
                    case ATTACH_FAILED -> roll < 50 ? pair.attach(this::stub) : pair.detach(this::stub);
                    case ATTACHED -> roll < 15 ? pair.publish(this::stub) : pair.detach(this::stub);
                    case DETACHING -> pair.detach(this::stub);
                };
            } finally {
                pair.unlock();
            }
            outcomes.computeIfAbsent(op.kind() + " " + op.code(), k -> new AtomicLong()).incrementAndGet();
            // Like the attacher, back off (exponentially, capped) while the controller is down or failing.
            backoff = op.outcome() == Op.Outcome.AMBIGUOUS ? Math.min(800, Math.max(50, backoff * 2)) : 0;
            if (backoff > 0) {
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private ControllerGrpc.ControllerBlockingStub stub() {
        return ControllerGrpc.newBlockingStub(client.channel());
    }

    /** Polls ListVolumes while the round runs: a single-node volume must never be reported on two nodes. */
    private void monitor(AtomicInteger budget) {
        while (budget.get() > 0) {
            try {
                for (Map.Entry<String, Set<String>> e : published().entrySet()) {
                    if (e.getValue().size() > 1) {
                        violations.add("ListVolumes reported single-node volume " + e.getKey() + " on " + e.getValue());
                    }
                }
            } catch (StatusRuntimeException downOrFaulted) {
                // the controller may be restarting
            }
            try {
                Thread.sleep(25);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** ListVolumes, every page: volume -> published_node_ids. */
    private Map<String, Set<String>> published() {
        Map<String, Set<String>> result = new TreeMap<>();
        String token = "";
        do {
            Csi.ListVolumesResponse page = stub().withDeadlineAfter(10, TimeUnit.SECONDS).listVolumes(
                    Csi.ListVolumesRequest.newBuilder().setMaxEntries(3).setStartingToken(token).build());
            for (Csi.ListVolumesResponse.Entry entry : page.getEntriesList()) {
                result.put(entry.getVolume().getVolumeId(), new TreeSet<>(entry.getStatus().getPublishedNodeIdsList()));
            }
            token = page.getNextToken();
        } while (!token.isEmpty());
        return result;
    }

    private void startController() throws Exception {
        controller.start();
        controller.awaitReady(Duration.ofSeconds(120));
        CsiClient previous = client;
        client = new CsiClient(controller.endpoint());
        if (previous != null) {
            previous.close();
        }
        // The fake backend keeps volumes in memory: provision them again, as a real target would still have them.
        for (String volume : volumeIds) {
            ControllerGrpc.newBlockingStub(client.channel()).withDeadlineAfter(30, TimeUnit.SECONDS).createVolume(
                    Csi.CreateVolumeRequest.newBuilder().setName(volume)
                            .setCapacityRange(Csi.CapacityRange.newBuilder().setRequiredBytes(1L << 30))
                            .addVolumeCapabilities(pairs.get(0).capability()).build());
        }
    }

    private synchronized void restart(String how) throws Exception {
        long t0 = System.nanoTime();
        restarts++;
        if (how.startsWith("SIGKILL")) {
            controller.kill();
        } else {
            controller.stop();
        }
        long t1 = System.nanoTime();
        startController();
        long t2 = System.nanoTime();
        restartNanos += t2 - t0;
        System.out.printf("torture: restart %d (%s): stopped in %d ms, ready and provisioned in %d ms%n", restarts, how,
                (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000);
    }

    private void checkAfterRestart(int round) {
        if (cluster != null) {
            cluster.faults().rates(Rates.NONE);
            cluster.faults().endOutage();
        }
        List<Op> sofar = history.snapshot();
        Map<String, Set<String>> observed = published();
        for (String volume : volumeIds) {
            observed.putIfAbsent(volume, Set.of());
        }
        InvariantChecker.afterRestart(sofar, observed).forEach(v -> violations.add("after round " + round + ": " + v));
        // A repeated publish to each node that must still hold the volume: OK, and the context it was first given.
        for (Attacher pair : pairs) {
            if (!InvariantChecker.expected(sofar, pair.volume()).definite().contains(pair.nodeId())) {
                continue;
            }
            verifiedAfterRestart++;
            Op again = pair.publish(this::stub);
            Map<String, String> first = InvariantChecker.lastContext(sofar, pair.volume(), pair.nodeId()).orElseThrow();
            if (!again.acked()) {
                violations.add("after round " + round + ": repeated publish of " + pair.volume() + " to " + pair.nodeId()
                        + " that holds it answered " + again.code());
            } else if (!again.publishContext().equals(first)) {
                violations.add("after round " + round + ": repeated publish of " + pair.volume() + " to " + pair.nodeId()
                        + " answered context " + again.publishContext() + ", first answer was " + first);
            }
        }
    }

    private void writeHistory(List<Op> all) throws IOException {
        Files.createDirectories(out);
        Files.write(out.resolve("history-" + plan.seed() + ".txt"),
                all.stream().map(Op::toString).collect(Collectors.toList()));
    }

    public History history() {
        return history;
    }

    public List<String> volumeIds() {
        return Collections.unmodifiableList(volumeIds);
    }
}
