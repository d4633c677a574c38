package dev.tether.node.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.driver.doctor.CheckResult;
import dev.tether.driver.doctor.CheckStatus;
import dev.tether.driver.doctor.DoctorReport;
import dev.tether.driver.sys.Sysfs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The node doctor on fake host trees: a healthy node, then one broken thing at a time. */
class NodeDoctorTest {
    static final String NQN = "nqn.2014-08.org.nvmexpress:uuid:6b1c4d58-3f0e-4d7e-9a55-0c6f1b2a9e11";
    static final String ID = "6b1c4d58-3f0e-4d7e-9a55-0c6f1b2a9e11";
    static final NodeDoctor.Settings NO_GPU = new NodeDoctor.Settings("/etc/nvme/hostnqn", "/etc/nvme/hostid",
            "/var/lib/kubelet", false);
    static final NodeDoctor.Settings GPU = new NodeDoctor.Settings("/etc/nvme/hostnqn", "/etc/nvme/hostid",
            "/var/lib/kubelet", true);

    @TempDir
    Path root;
    FakeCommands commands;

    @BeforeEach
    void healthyNode() throws IOException {
        mkdirs("sys/module/nvme_fabrics", "sys/module/nvme_tcp", "sys/module/vfio_pci", "sys/kernel/iommu_groups/0",
                "sys/kernel/iommu_groups/1", "var/lib/kubelet/plugins_registry", "sys/class/nvme/nvme0");
        write("dev/nvme-fabrics", "");
        write("etc/nvme/hostnqn", NQN + "\n");
        write("etc/nvme/hostid", ID + "\n");
        write("sys/class/nvme/nvme0/hostnqn", NQN + "\n");
        commands = FakeCommands.healthyNode();
    }

    Map<String, CheckResult> run(NodeDoctor.Settings settings) {
        DoctorReport report = DoctorReport.run(NodeDoctor.checks(new Sysfs(root), commands, settings));
        return report.results().stream().collect(Collectors.toMap(CheckResult::name, Function.identity()));
    }

    @Test
    void healthyNodePassesEveryCheckAndSkipsGpuChecksWhenGpuIsOff() {
        Map<String, CheckResult> results = run(NO_GPU);
        assertThat(results.values()).filteredOn(r -> r.status() != CheckStatus.OK)
                .extracting(CheckResult::name).containsExactlyInAnyOrder("kernel module vfio_pci", "IOMMU");
        assertThat(results.get("IOMMU").status()).isEqualTo(CheckStatus.SKIP);
        assertThat(results.get("nvme-cli").detail()).isEqualTo("nvme-cli 2.3");
        assertThat(results.get("mkfs.ext4").detail()).isEqualTo("mke2fs 1.47.0 (5-Feb-2023)");
        assertThat(results.get("host NQN").detail()).contains(NQN).contains(ID);
        assertThat(DoctorReport.run(NodeDoctor.checks(new Sysfs(root), commands, NO_GPU)).exitCode()).isZero();
    }

    @Test
    void withGpuOnVfioAndIommuAreChecked() {
        Map<String, CheckResult> results = run(GPU);
        assertThat(results.get("kernel module vfio_pci").status()).isEqualTo(CheckStatus.OK);
        assertThat(results.get("IOMMU").status()).isEqualTo(CheckStatus.OK);
        assertThat(results.get("IOMMU").detail()).isEqualTo("2 IOMMU groups");
    }

    @Test
    void iommuOffFailsOnlyWhenGpuPassthroughIsUsed() throws IOException {
        deleteTree(root.resolve("sys/kernel/iommu_groups/0"));
        deleteTree(root.resolve("sys/kernel/iommu_groups/1"));
        CheckResult iommu = run(GPU).get("IOMMU");
        assertThat(iommu.status()).isEqualTo(CheckStatus.FAIL);
        assertThat(iommu.fix()).contains("intel_iommu=on");
        assertThat(run(NO_GPU).get("IOMMU").status()).isEqualTo(CheckStatus.SKIP);
    }

    @Test
    void moduleNotLoadedButLoadableWarnsWithTheCommandsToLoadAndPersistIt() throws IOException {
        deleteTree(root.resolve("sys/module/nvme_tcp"));
        commands.answer(List.of("modprobe", "--dry-run", "nvme-tcp"), 0, "", "");
        CheckResult tcp = run(NO_GPU).get("kernel module nvme_tcp");
        assertThat(tcp.status()).isEqualTo(CheckStatus.WARN);
        assertThat(tcp.fix()).contains("modprobe nvme-tcp").contains("/etc/modules-load.d/");
        assertThat(commands.ran).contains(List.of("modprobe", "--dry-run", "nvme-tcp"));
    }

    @Test
    void moduleMissingFromTheKernelFails() throws IOException {
        deleteTree(root.resolve("sys/module/nvme_tcp"));
        commands.answer(List.of("modprobe", "--dry-run", "nvme-tcp"), 1, "",
                "modprobe: FATAL: Module nvme-tcp not found in directory /lib/modules/6.1.0-13-amd64\n");
        CheckResult tcp = run(NO_GPU).get("kernel module nvme_tcp");
        assertThat(tcp.status()).isEqualTo(CheckStatus.FAIL);
        assertThat(tcp.detail()).contains("Module nvme-tcp not found");
        assertThat(tcp.fix()).contains("linux-modules-extra");
        assertThat(DoctorReport.run(NodeDoctor.checks(new Sysfs(root), commands, NO_GPU)).exitCode()).isEqualTo(1);
    }

    @Test
    void missingToolsFailNamingThePackageToInstall() {
        commands = new FakeCommands();
        Map<String, CheckResult> results = run(NO_GPU);
        assertThat(results.get("nvme-cli").status()).isEqualTo(CheckStatus.FAIL);
        assertThat(results.get("mkfs.xfs").status()).isEqualTo(CheckStatus.FAIL);
        assertThat(results.get("mkfs.xfs").fix()).contains("xfsprogs");
        assertThat(results.get("mkfs.ext4").fix()).contains("e2fsprogs");
        assertThat(results.get("blkid").fix()).contains("util-linux");
    }

    @Test
    void oldNvmeCliWarns() {
        commands.answer(List.of("nvme", "version"), 0, "nvme version 1.16\n", "");
        CheckResult cli = run(NO_GPU).get("nvme-cli");
        assertThat(cli.status()).isEqualTo(CheckStatus.WARN);
        assertThat(cli.detail()).contains("1.16");
    }

    @Test
    void missingHostNqnWarnsThatThePluginGeneratesItAndAGarbledOneFails() throws IOException {
        Files.delete(root.resolve("etc/nvme/hostnqn"));
        Files.delete(root.resolve("sys/class/nvme/nvme0/hostnqn"));
        assertThat(run(NO_GPU).get("host NQN").status()).isEqualTo(CheckStatus.WARN);
        write("etc/nvme/hostnqn", "not an nqn\n");
        CheckResult garbled = run(NO_GPU).get("host NQN");
        assertThat(garbled.status()).isEqualTo(CheckStatus.FAIL);
        assertThat(garbled.detail()).contains("not an nqn");
    }

    @Test
    void hostIdThatIsNotAUuidFails() throws IOException {
        write("etc/nvme/hostid", "1234\n");
        assertThat(run(NO_GPU).get("host NQN").status()).isEqualTo(CheckStatus.FAIL);
    }

    @Test
    void identityChangedUnderALiveControllerFails() throws IOException {
        write("sys/class/nvme/nvme0/hostnqn", "nqn.2014-08.org.nvmexpress:uuid:00000000-0000-0000-0000-000000000001\n");
        CheckResult nqn = run(NO_GPU).get("host NQN");
        assertThat(nqn.status()).isEqualTo(CheckStatus.FAIL);
        assertThat(nqn.detail()).contains("nvme0 as nqn.2014-08.org.nvmexpress:uuid:00000000-0000-0000-0000-000000000001");
    }

    @Test
    void hostIdThatIsNotTheNqnsUuidWarns() throws IOException {
        write("etc/nvme/hostid", "11111111-2222-3333-4444-555555555555\n");
        assertThat(run(NO_GPU).get("host NQN").status()).isEqualTo(CheckStatus.WARN);
    }

    @Test
    void kubeletDirMissingFailsAndWithoutPluginsRegistryWarns() throws IOException {
        deleteTree(root.resolve("var/lib/kubelet/plugins_registry"));
        assertThat(run(NO_GPU).get("kubelet dir").status()).isEqualTo(CheckStatus.WARN);
        deleteTree(root.resolve("var/lib/kubelet"));
        CheckResult kubelet = run(NO_GPU).get("kubelet dir");
        assertThat(kubelet.status()).isEqualTo(CheckStatus.FAIL);
        assertThat(kubelet.fix()).contains("node.kubeletDir");
    }

    @Test
    void fabricsDeviceMissingWhileTheModuleIsLoadedFails() throws IOException {
        Files.delete(root.resolve("dev/nvme-fabrics"));
        assertThat(run(NO_GPU).get("/dev/nvme-fabrics").status()).isEqualTo(CheckStatus.FAIL);
    }

    private void mkdirs(String... dirs) throws IOException {
        for (String dir : dirs) {
            Files.createDirectories(root.resolve(dir));
        }
    }

    private void write(String file, String content) throws IOException {
        Files.createDirectories(root.resolve(file).getParent());
        Files.writeString(root.resolve(file), content);
    }

    private static void deleteTree(Path dir) throws IOException {
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
