package dev.tether.charts;

import static dev.tether.charts.Rendered.container;
import static dev.tether.charts.Rendered.env;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.storage.StorageClass;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What each supported configuration renders: backend credentials, monitoring, snapshots, storage classes. */
class ValueSetsTest {

    @Test
    void sshBackendWithAChartCreatedSecretMountsTheKeyAndThePinnedHostKeyReadOnly() {
        Rendered chart = Chart.render("ssh-chart-secret.yaml");
        Secret secret = chart.one(Secret.class, "tether-ssh");
        assertThat(secret.getType()).isEqualTo("kubernetes.io/ssh-auth");
        assertThat(secret.getStringData()).containsOnlyKeys("ssh-privatekey", "known_hosts");
        assertThat(secret.getStringData().get("known_hosts")).startsWith("[storage-1.example.internal]:2222 ssh-ed25519 ");
        PodSpec pod = chart.controller().getSpec().getTemplate().getSpec();
        Container tether = container(pod, "tether-controller");
        assertThat(env(tether, "TETHER_NVMET_TARGET")).isEqualTo("ssh://root@storage-1.example.internal:2222");
        assertThat(env(tether, "TETHER_NVMET_ADDRESS")).isEqualTo("10.0.0.10");
        assertThat(env(tether, "TETHER_NVMET_PORTS")).isEqualTo("4420-4423");
        assertThat(env(tether, "TETHER_NVMET_SSH_KEY")).isEqualTo("/etc/tether/ssh/ssh-privatekey");
        assertThat(env(tether, "TETHER_NVMET_SSH_KNOWN_HOSTS")).isEqualTo("/etc/tether/known-hosts/known_hosts");
        Volume key = volume(pod, "ssh-key");
        assertThat(key.getSecret().getSecretName()).isEqualTo("tether-ssh");
        assertThat(key.getSecret().getDefaultMode()).isEqualTo(0440);
        assertThat(volume(pod, "known-hosts").getSecret().getSecretName()).isEqualTo("tether-ssh");
        assertThat(tether.getVolumeMounts()).filteredOn(m -> m.getMountPath().startsWith("/etc/tether"))
                .hasSize(2).allSatisfy(m -> assertThat(m.getReadOnly()).isTrue());
    }

    @Test
    void sshBackendWithTheOperatorsSecretAndAKnownHostsConfigMapCreatesNoSecret() {
        Rendered chart = Chart.render("ssh-existing-secret.yaml");
        assertThat(chart.all(Secret.class)).isEmpty();
        PodSpec pod = chart.controller().getSpec().getTemplate().getSpec();
        assertThat(volume(pod, "ssh-key").getSecret().getSecretName()).isEqualTo("storage-credentials");
        assertThat(volume(pod, "known-hosts").getConfigMap().getName()).isEqualTo("storage-host-keys");
        assertThat(volume(pod, "known-hosts").getSecret()).isNull();
    }

    @Test
    void defaultsExpectTheOperatorsSecretAndLeaveUnsetAddressesUnset() {
        Rendered chart = Chart.render();
        assertThat(chart.all(Secret.class)).isEmpty();
        PodSpec pod = chart.controller().getSpec().getTemplate().getSpec();
        assertThat(volume(pod, "ssh-key").getSecret().getSecretName()).isEqualTo("tether-ssh");
        assertThat(container(pod, "tether-controller").getEnv()).extracting(e -> e.getName())
                .doesNotContain("TETHER_NVMET_ADDRESS");
        // No host given: the target still says ssh, so the controller refuses to start naming --nvmet-target
        // instead of silently driving a local configfs it does not have.
        assertThat(env(container(pod, "tether-controller"), "TETHER_NVMET_TARGET")).isEqualTo("ssh://root@:22");
    }

    @Test
    void serviceMonitorScrapesBothMetricsServicesWhenEnabled() {
        Rendered chart = Chart.render("monitoring-snapshots.yaml");
        GenericKubernetesResource monitor = (GenericKubernetesResource) chart.ofKind("ServiceMonitor").getFirst();
        assertThat(monitor.getApiVersion()).isEqualTo("monitoring.coreos.com/v1");
        assertThat(monitor.getMetadata().getLabels()).containsEntry("release", "kube-prometheus-stack");
        @SuppressWarnings("unchecked")
        Map<String, Object> selector = (Map<String, Object>) ((Map<String, Object>) monitor.getAdditionalProperties()
                .get("spec")).get("selector");
        @SuppressWarnings("unchecked")
        Map<String, String> matchLabels = (Map<String, String>) selector.get("matchLabels");
        List<Service> services = chart.all(Service.class);
        assertThat(services).extracting(s -> s.getMetadata().getName())
                .containsExactlyInAnyOrder("tether-controller-metrics", "tether-node-metrics");
        assertThat(services).allSatisfy(s -> {
            assertThat(s.getMetadata().getLabels()).containsAllEntriesOf(matchLabels);
            assertThat(s.getSpec().getPorts()).singleElement().satisfies(p -> assertThat(p.getName()).isEqualTo("metrics"));
        });
        assertThat(Chart.render().ofKind("ServiceMonitor")).isEmpty();
    }

    @Test
    void snapshotsBringTheSnapshotterAndADefaultVolumeSnapshotClass() {
        Rendered chart = Chart.render("monitoring-snapshots.yaml");
        HasMetadata vsc = chart.ofKind("VolumeSnapshotClass").getFirst();
        assertThat(vsc.getMetadata().getName()).isEqualTo("tether-snapshots");
        assertThat(vsc.getMetadata().getAnnotations()).containsEntry("snapshot.storage.kubernetes.io/is-default-class", "true");
        assertThat(((GenericKubernetesResource) vsc).getAdditionalProperties()).containsEntry("driver", "tether.csi.dev")
                .containsEntry("deletionPolicy", "Delete");
        Rendered defaults = Chart.render();
        assertThat(defaults.ofKind("VolumeSnapshotClass")).isEmpty();
        assertThat(defaults.controller().getSpec().getTemplate().getSpec().getContainers())
                .extracting(Container::getName).doesNotContain("csi-snapshotter");
    }

    @Test
    void storageClassesCarryTheNvmeParametersAndOnlyTheFilesystemOneAnFsType() {
        Map<String, Map<String, String>> params = new java.util.TreeMap<>();
        Chart.render().all(StorageClass.class).forEach(sc -> {
            assertThat(sc.getProvisioner()).isEqualTo("tether.csi.dev");
            assertThat(sc.getAllowVolumeExpansion()).isTrue();
            params.put(sc.getMetadata().getName(), sc.getParameters());
        });
        assertThat(params).containsOnlyKeys("tether-ext4", "tether-block", "tether-kubevirt");
        assertThat(params.get("tether-ext4")).containsExactlyInAnyOrderEntriesOf(Map.of(
                "csi.storage.k8s.io/fstype", "ext4", "ctrlLossTmo", "-1", "reconnectDelay", "2", "fastIoFailTmo", "30"));
        assertThat(params.get("tether-block")).doesNotContainKey("csi.storage.k8s.io/fstype").containsEntry("fastIoFailTmo", "30");
        assertThat(params.get("tether-kubevirt")).doesNotContainKey("csi.storage.k8s.io/fstype").containsEntry("fastIoFailTmo", "15");
    }

    @Test
    void transportOverridesReachTheStorageClass() {
        StorageClass sc = Rendered.parse(Chart.templateYaml("""
                storageClasses:
                  - name: fast
                    create: true
                    reclaimPolicy: Retain
                    volumeBindingMode: WaitForFirstConsumer
                    parameters: {fsType: xfs, transportAddress: 10.1.0.5, transportPort: "4421",
                                 ctrlLossTmo: 600, reconnectDelay: 5, fastIoFailTmo: 10}
                """)).one(StorageClass.class, "fast");
        assertThat(sc.getReclaimPolicy()).isEqualTo("Retain");
        assertThat(sc.getVolumeBindingMode()).isEqualTo("WaitForFirstConsumer");
        assertThat(sc.getParameters()).containsExactlyInAnyOrderEntriesOf(Map.of("csi.storage.k8s.io/fstype", "xfs",
                "transportAddress", "10.1.0.5", "transportPort", "4421", "ctrlLossTmo", "600", "reconnectDelay", "5",
                "fastIoFailTmo", "10"));
    }

    private static Volume volume(PodSpec pod, String name) {
        return pod.getVolumes().stream().filter(v -> name.equals(v.getName())).findFirst()
                .orElseThrow(() -> new AssertionError("no volume " + name));
    }
}
