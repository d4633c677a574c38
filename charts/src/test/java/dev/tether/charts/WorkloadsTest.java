package dev.tether.charts;

import static dev.tether.charts.Rendered.container;
import static dev.tether.charts.Rendered.env;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.driver.model.TopologySegments;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.storage.CSIDriver;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The controller Deployment, the node DaemonSet and the CSIDriver as the cluster will see them. */
class WorkloadsTest {
    static final List<String> VALUE_SETS = List.of("ssh-chart-secret.yaml", "ssh-existing-secret.yaml", "local.yaml",
            "gpu.yaml", "monitoring-snapshots.yaml", "fake.yaml", "topology.yaml",
            "topology-node-labels.yaml");

    @Test
    void csiDriverAsKubernetesMustSeeIt() {
        CSIDriver driver = Chart.render().one(CSIDriver.class, "tether.csi.dev");
        assertThat(driver.getSpec().getAttachRequired()).isTrue();
        assertThat(driver.getSpec().getPodInfoOnMount()).isTrue();
        assertThat(driver.getSpec().getVolumeLifecycleModes()).containsExactly("Persistent");
        assertThat(driver.getSpec().getFsGroupPolicy()).isEqualTo("File");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "ssh-chart-secret.yaml", "ssh-existing-secret.yaml", "local.yaml", "gpu.yaml",
            "monitoring-snapshots.yaml", "fake.yaml"})
    void everyImageIsPinnedToARegistryAndATagNeverLatest(String values) {
        Rendered chart = values.isEmpty() ? Chart.render() : Chart.render(values);
        List<Container> containers = chart.podSpecs().stream().flatMap(p -> p.getContainers().stream()).toList();
        assertThat(containers).hasSizeGreaterThanOrEqualTo(6).allSatisfy(c -> {
            assertThat(c.getImage()).as(c.getName()).matches("^[a-z0-9.-]+\\.[a-z]+/[a-z0-9/._-]+:v?[0-9][A-Za-z0-9._+-]*$");
            assertThat(c.getImage()).as(c.getName()).doesNotEndWith(":latest");
            assertThat(c.getImagePullPolicy()).as(c.getName()).isEqualTo("IfNotPresent");
        });
    }

    @Test
    void topologyIsPassedOnlyWhenConfiguredInTheFlagFormatTheBinariesAccept() {
        PodSpec controller = Chart.render().controller().getSpec().getTemplate().getSpec();
        PodSpec node = Chart.render().node().getSpec().getTemplate().getSpec();
        assertThat(container(controller, "tether-controller").getEnv()).noneMatch(e -> e.getName().equals("TETHER_ACCESSIBLE_TOPOLOGY"));
        assertThat(container(node, "tether-node").getEnv()).noneMatch(e -> e.getName().equals("TETHER_TOPOLOGY"));
        assertThat(container(controller, "csi-provisioner").getArgs()).noneMatch(a -> a.contains("topology") || a.contains("Topology"));

        Rendered topology = Chart.render("topology.yaml");
        PodSpec withController = topology.controller().getSpec().getTemplate().getSpec();
        String accessible = env(container(withController, "tether-controller"), "TETHER_ACCESSIBLE_TOPOLOGY");
        String nodeTopology = env(container(topology.node().getSpec().getTemplate().getSpec(), "tether-node"), "TETHER_TOPOLOGY");
        assertThat(accessible).isEqualTo("topology.tether.csi.dev/rack=r1");
        assertThat(nodeTopology).isEqualTo("topology.tether.csi.dev/rack=r1,topology.tether.csi.dev/zone=z1");
        assertThat(TopologySegments.parse(accessible).covers(TopologySegments.parse(nodeTopology)))
                .as("the controller's segment covers the node's, as CreateVolume will check").isTrue();
        // csi-provisioner v5.3 has Topology on by default (it follows VOLUME_ACCESSIBILITY_CONSTRAINTS): no feature gate.
        assertThat(container(withController, "csi-provisioner").getArgs()).contains("--strict-topology")
                .noneMatch(a -> a.startsWith("--feature-gates"));
        assertThat(container(node, "tether-node").getEnv()).noneMatch(e -> e.getName().equals("TETHER_TOPOLOGY_FROM_NODE_LABELS"));
        PodSpec fromLabels = Chart.render("topology-node-labels.yaml").node().getSpec().getTemplate().getSpec();
        assertThat(env(container(fromLabels, "tether-node"), "TETHER_TOPOLOGY_FROM_NODE_LABELS"))
                .isEqualTo("topology.kubernetes.io/zone,topology.kubernetes.io/region");
    }

    @Test
    void sidecarVersionsAreTheCheckedOnes() {
        Map<String, String> images = Chart.render("monitoring-snapshots.yaml").podSpecs().stream()
                .flatMap(p -> p.getContainers().stream())
                .collect(Collectors.toMap(Container::getName, Container::getImage, (a, b) -> a));
        assertThat(images).containsEntry("csi-provisioner", "registry.k8s.io/sig-storage/csi-provisioner:v5.3.0")
                .containsEntry("csi-attacher", "registry.k8s.io/sig-storage/csi-attacher:v4.11.0")
                .containsEntry("csi-resizer", "registry.k8s.io/sig-storage/csi-resizer:v1.14.0")
                .containsEntry("csi-snapshotter", "registry.k8s.io/sig-storage/csi-snapshotter:v8.3.0")
                .containsEntry("liveness-probe", "registry.k8s.io/sig-storage/livenessprobe:v2.20.0")
                .containsEntry("node-driver-registrar", "registry.k8s.io/sig-storage/csi-node-driver-registrar:v2.17.0")
                .containsEntry("tether-controller", "ghcr.io/tether-csi/tether-controller:0.1.0")
                .containsEntry("tether-node", "ghcr.io/tether-csi/tether-node:0.1.0");
    }

    @Test
    void controllerRunsTwoReplicasWithEverySidecarLeaderElectedOnTheSharedSocket() {
        Rendered chart = Chart.render("monitoring-snapshots.yaml");
        assertThat(chart.controller().getSpec().getReplicas()).isEqualTo(2);
        PodSpec pod = chart.controller().getSpec().getTemplate().getSpec();
        assertThat(pod.getContainers()).extracting(Container::getName).containsExactly("tether-controller",
                "csi-provisioner", "csi-attacher", "csi-resizer", "csi-snapshotter", "liveness-probe");
        for (String sidecar : List.of("csi-provisioner", "csi-attacher", "csi-resizer", "csi-snapshotter")) {
            assertThat(container(pod, sidecar).getArgs()).as(sidecar).contains("--csi-address=/csi/csi.sock",
                    "--timeout=60s", "--leader-election", "--leader-election-lease-duration=15s",
                    "--leader-election-renew-deadline=10s", "--leader-election-retry-period=5s");
        }
        assertThat(container(pod, "csi-provisioner").getArgs()).contains("--extra-create-metadata");
        assertThat(container(pod, "csi-resizer").getArgs()).contains("--handle-volume-inuse-error=false");
        assertThat(env(container(pod, "tether-controller"), "TETHER_ENDPOINT")).isEqualTo("unix:///csi/csi.sock");
        assertThat(env(container(pod, "tether-controller"), "TETHER_LEADER_ELECTION")).isEqualTo("true");
        assertThat(pod.getContainers()).allSatisfy(c -> assertThat(c.getVolumeMounts())
                .anySatisfy(m -> assertThat(m.getMountPath()).isEqualTo("/csi")));
    }

    @Test
    void withoutLeaderElectionNoSidecarAsksForIt() {
        PodSpec pod = Chart.render("fake.yaml").controller().getSpec().getTemplate().getSpec();
        assertThat(pod.getContainers()).allSatisfy(c ->
                assertThat(c.getArgs()).noneMatch(a -> a.startsWith("--leader-election")));
        assertThat(env(container(pod, "tether-controller"), "TETHER_LEADER_ELECTION")).isEqualTo("false");
        assertThat(env(container(pod, "tether-controller"), "TETHER_BACKEND")).isEqualTo("fake");
        assertThat(container(pod, "tether-controller").getEnv()).noneMatch(e -> e.getName().startsWith("TETHER_NVMET_")
                || e.getName().startsWith("TETHER_SSH_"));
    }

    @Test
    void tetherContainersProbeHealthzAndReadinessOverTheCsiSocketAndTheRegistrarIsProbed() {
        Rendered chart = Chart.render();
        PodSpec controller = chart.controller().getSpec().getTemplate().getSpec();
        PodSpec node = chart.node().getSpec().getTemplate().getSpec();
        assertProbes(container(controller, "tether-controller"), 9810, -1);
        assertProbes(container(node, "tether-node"), 9811, 9809);
        assertThat(container(controller, "liveness-probe").getArgs()).contains("--health-port=9808");
        assertThat(container(node, "liveness-probe").getArgs()).contains("--health-port=9809");
        Container registrar = container(node, "node-driver-registrar");
        assertThat(registrar.getArgs()).contains("--http-endpoint=:9813",
                "--kubelet-registration-path=/var/lib/kubelet/plugins/tether.csi.dev/csi.sock");
        assertThat(registrar.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/healthz");
        assertThat(registrar.getLivenessProbe().getHttpGet().getPort().getStrVal()).isEqualTo("registrar");
        assertThat(registrar.getPorts()).anySatisfy(p -> assertThat(p.getName()).isEqualTo("registrar"));
    }

    private static void assertProbes(Container tether, int metricsPort, int csiProbePort) {
        assertThat(tether.getPorts()).singleElement().satisfies(p -> {
            assertThat(p.getName()).isEqualTo("metrics");
            assertThat(p.getContainerPort()).isEqualTo(metricsPort);
        });
        assertThat(env(tether, "TETHER_METRICS_ADDRESS")).isEqualTo(":" + metricsPort);
        assertThat(tether.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/healthz");
        assertThat(tether.getLivenessProbe().getHttpGet().getPort().getStrVal()).isEqualTo("metrics");
        assertThat(tether.getLivenessProbe().getFailureThreshold()).isGreaterThanOrEqualTo(3);
        assertThat(tether.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/healthz");
        if (csiProbePort < 0) {
            // The controller: its standby must be Ready or a rolling update never finishes (see the template).
            assertThat(tether.getReadinessProbe().getHttpGet().getPort().getStrVal()).isEqualTo("metrics");
        } else {
            assertThat(tether.getReadinessProbe().getHttpGet().getPort().getIntVal()).isEqualTo(csiProbePort);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"ssh-chart-secret.yaml", "ssh-existing-secret.yaml", "gpu.yaml", "fake.yaml"})
    void controllerIsNonRootReadOnlyAndDropsEveryCapability(String values) {
        PodSpec pod = Chart.render(values).controller().getSpec().getTemplate().getSpec();
        assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(pod.getSecurityContext().getRunAsUser()).isEqualTo(65532L);
        assertThat(pod.getSecurityContext().getFsGroup()).isEqualTo(65532L);
        assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
        assertThat(pod.getHostNetwork()).isNull();
        assertThat(pod.getVolumes()).noneMatch(v -> v.getHostPath() != null);
        assertThat(pod.getContainers()).allSatisfy(c -> assertRestricted(c.getName(), c.getSecurityContext()));
    }

    @Test
    void localNvmetControllerIsPrivilegedOnTheStorageNodeWithOnlyConfigfsAndTheBackingDir() {
        PodSpec pod = Chart.render("local.yaml").controller().getSpec().getTemplate().getSpec();
        assertThat(pod.getHostNetwork()).isTrue();
        assertThat(pod.getNodeSelector()).containsExactlyEntriesOf(Map.of("kubernetes.io/hostname", "storage-1"));
        assertThat(hostMounts(pod, "tether-controller")).containsExactlyInAnyOrder(
                "/sys/kernel/config/nvmet -> /sys/kernel/config/nvmet rw",
                "/srv/tether -> /srv/tether rw");
        assertThat(container(pod, "tether-controller").getSecurityContext().getPrivileged()).isTrue();
        pod.getContainers().stream().filter(c -> !c.getName().equals("tether-controller"))
                .forEach(c -> assertRestricted(c.getName(), c.getSecurityContext()));
        assertThat(env(container(pod, "tether-controller"), "TETHER_NVMET_TARGET")).isEqualTo("local");
        assertThat(container(pod, "tether-controller").getEnv()).noneMatch(e -> e.getName().startsWith("TETHER_NVMET_SSH_"));
    }

    private static void assertRestricted(String name, SecurityContext sc) {
        assertThat(sc).as(name).isNotNull();
        assertThat(sc.getPrivileged()).as(name).isNotEqualTo(Boolean.TRUE);
        assertThat(sc.getAllowPrivilegeEscalation()).as(name).isFalse();
        assertThat(sc.getReadOnlyRootFilesystem()).as(name).isTrue();
        assertThat(sc.getCapabilities().getDrop()).as(name).containsExactly("ALL");
        assertThat(sc.getCapabilities().getAdd()).as(name).isNullOrEmpty();
    }

    @Test
    void nodePluginHasExactlyTheHostMountsItNeeds() {
        PodSpec pod = Chart.render().node().getSpec().getTemplate().getSpec();
        assertThat(hostMounts(pod, "tether-node")).containsExactlyInAnyOrder(
                "/var/lib/kubelet/plugins/tether.csi.dev -> /csi rw",
                "/var/lib/kubelet -> /var/lib/kubelet rw Bidirectional",
                "/dev -> /dev rw",
                "/sys -> /sys rw",
                "/lib/modules -> /lib/modules ro",
                "/etc/nvme -> /etc/nvme rw",
                "/var/lib/tether/node -> /var/lib/tether/node rw");
        assertThat(hostMounts(pod, "node-driver-registrar")).containsExactlyInAnyOrder(
                "/var/lib/kubelet/plugins/tether.csi.dev -> /csi rw",
                "/var/lib/kubelet/plugins_registry -> /registration rw");
        assertThat(hostMounts(pod, "liveness-probe")).containsExactly("/var/lib/kubelet/plugins/tether.csi.dev -> /csi rw");
        assertThat(pod.getVolumes().stream().filter(v -> v.getHostPath() != null).map(v -> v.getHostPath().getPath()))
                .containsExactlyInAnyOrder("/var/lib/kubelet/plugins/tether.csi.dev", "/var/lib/kubelet",
                        "/var/lib/kubelet/plugins_registry", "/dev", "/sys", "/lib/modules", "/etc/nvme", "/var/lib/tether/node");
    }

    @Test
    void nodePluginIsPrivilegedOnTheHostNetworkAndItsSidecarsAreNot() {
        PodSpec pod = Chart.render().node().getSpec().getTemplate().getSpec();
        assertThat(pod.getHostNetwork()).isTrue();
        assertThat(pod.getDnsPolicy()).isEqualTo("ClusterFirstWithHostNet");
        assertThat(container(pod, "tether-node").getSecurityContext().getPrivileged()).isTrue();
        assertRestricted("node-driver-registrar", container(pod, "node-driver-registrar").getSecurityContext());
        assertRestricted("liveness-probe", container(pod, "liveness-probe").getSecurityContext());
        assertThat(pod.getTolerations()).singleElement().satisfies(t -> assertThat(t.getOperator()).isEqualTo("Exists"));
        assertThat(env(container(pod, "tether-node"), "TETHER_NODE_NAME")).isEqualTo("fieldRef:spec.nodeName");
    }

    @Test
    void aDifferentKubeletDirMovesEveryKubeletPathAndGpuValuesReachTheNode() {
        PodSpec pod = Chart.render("gpu.yaml").node().getSpec().getTemplate().getSpec();
        Container node = container(pod, "tether-node");
        assertThat(hostMounts(pod, "tether-node")).contains("/var/lib/k0s/kubelet -> /var/lib/k0s/kubelet rw Bidirectional",
                "/var/lib/k0s/kubelet/plugins/tether.csi.dev -> /csi rw");
        assertThat(hostMounts(pod, "node-driver-registrar")).contains("/var/lib/k0s/kubelet/plugins_registry -> /registration rw");
        assertThat(container(pod, "node-driver-registrar").getArgs())
                .contains("--kubelet-registration-path=/var/lib/k0s/kubelet/plugins/tether.csi.dev/csi.sock");
        assertThat(env(node, "TETHER_KUBELET_DIR")).isEqualTo("/var/lib/k0s/kubelet");
        assertThat(env(node, "TETHER_GPU_VENDORS")).isEqualTo("10de,1002");
        assertThat(env(node, "TETHER_GPU_DEFAULT_MODE")).isEqualTo("vfio");
        assertThat(env(node, "TETHER_MAX_VOLUMES_PER_NODE")).isEqualTo("24");
        assertThat(env(container(Chart.render().node().getSpec().getTemplate().getSpec(), "tether-node"), "TETHER_GPU_VENDORS"))
                .as("GPU off by default").isEmpty();
    }

    @Test
    void everyTetherEnvVariableTheChartSetsIsInTheInstallTableAndTheValuesFile() {
        Set<String> names = new TreeSet<>();
        for (String values : VALUE_SETS) {
            Chart.render(values).podSpecs().stream().flatMap(p -> p.getContainers().stream())
                    .flatMap(c -> c.getEnv().stream()).map(e -> e.getName()).filter(n -> n.startsWith("TETHER_"))
                    .forEach(names::add);
        }
        assertThat(names).hasSizeGreaterThan(25);
        String install = Repo.read("docs/install.md");
        String valuesYaml = Repo.read("charts/tether/values.yaml");
        assertThat(names).allSatisfy(n -> assertThat(install).as("docs/install.md names " + n).contains("`" + n));
        // Set by the chart itself rather than from a value.
        Set<String> fixed = Set.of("TETHER_ENDPOINT", "TETHER_KUBECONFIG", "TETHER_NODE_NAME", "TETHER_HOSTNQN_FILE",
                "TETHER_HOSTID_FILE", "TETHER_LEADER_ELECTION_NAMESPACE");
        names.stream().filter(n -> !fixed.contains(n))
                .forEach(n -> assertThat(valuesYaml).as("values.yaml comments name " + n).contains(n));
    }

    static List<String> hostMounts(PodSpec pod, String containerName) {
        Map<String, Volume> volumes = pod.getVolumes().stream().collect(Collectors.toMap(Volume::getName, v -> v));
        return container(pod, containerName).getVolumeMounts().stream()
                .filter(m -> volumes.get(m.getName()).getHostPath() != null)
                .map(m -> describe(volumes.get(m.getName()), m)).toList();
    }

    private static String describe(Volume volume, VolumeMount mount) {
        return volume.getHostPath().getPath() + " -> " + mount.getMountPath() + (Boolean.TRUE.equals(mount.getReadOnly()) ? " ro" : " rw")
                + (mount.getMountPropagation() == null ? "" : " " + mount.getMountPropagation());
    }
}
