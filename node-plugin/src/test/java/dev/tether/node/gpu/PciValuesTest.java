package dev.tether.node.gpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PciValuesTest {
    @TempDir
    Path root;

    @ParameterizedTest
    @ValueSource(strings = {"0000:01:00.0", "ffff:ff:1f.7"})
    void validAddresses(String value) {
        assertThat(PciAddress.of(value).value()).isEqualTo(value);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "01:00.0", "0000:01:00.8", "0000:01:00.0\n", "0000:0G:00.0", "0000:01:00.0/../x",
            "0000:AB:00.0"})
    void invalidAddressesNameTheValue(String value) {
        assertThatThrownBy(() -> PciAddress.of(value)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'" + value + "'");
    }

    @Test
    void slotGroupsTheFunctionsOfOneDevice() {
        assertThat(PciAddress.of("0000:01:00.1").slot()).isEqualTo(PciAddress.of("0000:01:00.0").slot());
        assertThat(PciAddress.of("0000:01:01.0").slot()).isNotEqualTo(PciAddress.of("0000:01:00.0").slot());
    }

    @Test
    void vendorListParsesAndRejectsGarbage() {
        assertThat(DevicePolicy.parse(" 10de,0x1002 ,8086", false).vendors()).containsExactlyInAnyOrder(0x10de, 0x1002, 0x8086);
        assertThat(DevicePolicy.parse("", false).enabled()).isFalse();
        assertThatThrownBy(() -> DevicePolicy.parse("nvidia", false)).hasMessageContaining("'nvidia'");
    }

    @Test
    void discoveryReadsWhatSysfsSays() {
        FakePciKernel k = new FakePciKernel(root).driver("nouveau")
                .device("0000:01:00.0", "10de:2204", 0x030000, 12, "nouveau").boundTo("0000:01:00.0", "nouveau")
                .device("0000:00:04.0", "1234:11e8", 0x00ff00, 4, null).d3cold("0000:00:04.0", false);
        PciInventory inv = new PciInventory(k.sysfs(), k.sysfs());
        PciDevice gpu = inv.device(PciAddress.of("0000:01:00.0")).orElseThrow();
        assertThat(gpu.vendorDevice()).isEqualTo("10de:2204");
        assertThat(gpu.isDisplay()).isTrue();
        assertThat(gpu.driver()).contains("nouveau");
        assertThat(gpu.driverOverride()).isEmpty();
        assertThat(gpu.iommuGroup()).contains(12);
        assertThat(gpu.resetMethods()).containsExactly("flr", "bus");
        PciDevice edu = inv.device(PciAddress.of("0000:00:04.0")).orElseThrow();
        assertThat(edu.driverName()).isEqualTo("none");
        assertThat(edu.powerState()).isEqualTo("D3cold");
        assertThat(inv.all()).hasSize(2);
        assertThat(inv.device(PciAddress.of("0000:05:00.0"))).isEmpty();
    }

    @Test
    void nvidiaDeviceNodeIsFoundThroughTheDriversMinor() throws Exception {
        FakePciKernel k = new FakePciKernel(root).driver("nvidia")
                .device("0000:01:00.0", "10de:2204", 0x030000, 12, "nvidia").boundTo("0000:01:00.0", "nvidia")
                .holder(77, "nvidia-smi", "/dev/nvidia1").holder(78, "other", "/dev/nvidia0");
        Files.createDirectories(root.resolve("proc/driver/nvidia/gpus/0000:01:00.0"));
        Files.writeString(root.resolve("proc/driver/nvidia/gpus/0000:01:00.0/information"),
                "Model: \t\t GeForce\nDevice Minor: \t 1\n");
        PciInventory inv = new PciInventory(k.sysfs(), k.sysfs());
        DeviceUnit unit = DeviceUnit.of(inv, inv.device(PciAddress.of("0000:01:00.0")).orElseThrow()).orElseThrow();
        assertThat(new InUseScanner(k.sysfs()).holders(unit)).containsExactly(new Holder(77, "nvidia-smi", "/dev/nvidia1"));
    }

    @Test
    void journalRoundTripsAndRemembersHostDrivers(@TempDir Path state) {
        Journal j = new Journal(state);
        PciAddress a = PciAddress.of("0000:01:00.0");
        PciAddress b = PciAddress.of("0000:01:00.1");
        JournalEntry e = new JournalEntry(Operation.BIND, a, 12,
                Map.of(a, Binding.host("nouveau"), b, new Binding("none", Optional.empty())),
                Map.of(a, Binding.vfio(), b, Binding.vfio()));
        j.write(e);
        assertThat(j.read(12)).contains(e);
        assertThat(j.unfinished()).containsExactly(e);
        j.rememberHostDrivers(e.original());
        assertThat(new Journal(state).hostDriver(a)).contains("nouveau");
        assertThat(new Journal(state).hostDriver(b)).contains("none");
        j.rememberHostDrivers(Map.of(a, Binding.vfio()));
        assertThat(j.hostDriver(a)).as("vfio-pci is never remembered as a host driver").contains("nouveau");
        j.finish(12);
        assertThat(j.unfinished()).isEmpty();
        assertThat(state.resolve("gpu")).isDirectoryNotContaining("glob:**.tmp");
    }
}
