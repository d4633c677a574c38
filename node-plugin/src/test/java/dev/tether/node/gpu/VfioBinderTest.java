package dev.tether.node.gpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tether.driver.error.NotFoundException;
import dev.tether.driver.sys.Sysfs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class VfioBinderTest {
    static final String GPU = "0000:01:00.0";
    static final String AUDIO = "0000:01:00.1";
    static final String NIC = "0000:00:03.0";
    static final String EDU = "0000:00:04.0";
    static final String BRIDGE = "0000:00:06.0";
    static final String FOREIGN = "0000:02:02.0";
    static final String BEHIND = "0000:02:01.0";

    @TempDir
    Path root;
    @TempDir
    Path state;
    FakePciKernel kernel;

    @BeforeEach
    void machine() {
        kernel = new FakePciKernel(root).driver("vfio-pci").driver("nouveau").driver("snd_hda_intel").driver("e1000e")
                .driver("e1000")
                .device(GPU, "10de:2204", 0x030000, 12, "nouveau").boundTo(GPU, "nouveau")
                .device(AUDIO, "10de:1aef", 0x040300, 12, "snd_hda_intel").boundTo(AUDIO, "snd_hda_intel")
                .device(NIC, "8086:10d3", 0x020000, 3, "e1000e").boundTo(NIC, "e1000e")
                .device(EDU, "1234:11e8", 0x00ff00, 4, null)
                .device(BRIDGE, "1b36:000e", 0x060400, 6, null)
                .device(BEHIND, "1234:11e8", 0x00ff00, 6, null)
                .device(FOREIGN, "8086:100e", 0x020000, 6, "e1000").boundTo(FOREIGN, "e1000");
    }

    VfioBinder binder(boolean anyClass) {
        return new VfioBinder(new PciInventory(kernel.sysfs(), kernel.sysfs()), kernel, new InUseScanner(kernel.sysfs()),
                new Journal(state), DevicePolicy.parse(DevicePolicy.DEFAULT_VENDORS, anyClass),
                new VfioBinder.Settings(Duration.ofSeconds(1), Duration.ZERO));
    }

    Outcome run(VfioBinder b, Operation op, String address) {
        return b.execute(b.plan(op, PciAddress.of(address)));
    }

    @Test
    void bindsAGpuWithItsAudioFunctionAndReturnsBothToTheirHostDrivers() {
        VfioBinder b = binder(false);
        Outcome bound = run(b, Operation.BIND, GPU);

        assertThat(bound.result()).as(bound.message()).isEqualTo(Outcome.Result.SUCCESS);
        assertThat(kernel.driverOf(GPU)).isEqualTo("vfio-pci");
        assertThat(kernel.driverOf(AUDIO)).isEqualTo("vfio-pci");
        assertThat(kernel.vfioNode(12)).isTrue();
        assertThat(kernel.writes.subList(0, 3)).containsExactly(
                new SysfsWrite("/sys/bus/pci/devices/" + GPU + "/driver_override", "vfio-pci"),
                new SysfsWrite("/sys/bus/pci/drivers/nouveau/unbind", GPU),
                new SysfsWrite("/sys/bus/pci/drivers_probe", GPU));
        assertThat(new Journal(state).unfinished()).isEmpty();

        Outcome back = run(b, Operation.UNBIND, GPU);
        assertThat(back.result()).as(back.message()).isEqualTo(Outcome.Result.SUCCESS);
        assertThat(kernel.driverOf(GPU)).isEqualTo("nouveau");
        assertThat(kernel.driverOf(AUDIO)).isEqualTo("snd_hda_intel");
        assertThat(kernel.overrideOf(GPU)).isEqualTo("(null)");
        assertThat(kernel.overrideOf(AUDIO)).isEqualTo("(null)");
        assertThat(kernel.vfioNode(12)).isFalse();
        assertThat(kernel.writes).contains(new SysfsWrite("/sys/bus/pci/drivers/nouveau/bind", GPU));
    }

    @Test
    void aDeviceWithoutDriverGoesToVfioAndBackToNoDriver() {
        VfioBinder b = binder(true);
        assertThat(run(b, Operation.BIND, EDU).result()).isEqualTo(Outcome.Result.SUCCESS);
        assertThat(kernel.driverOf(EDU)).isEqualTo("vfio-pci");
        assertThat(kernel.vfioNode(4)).isTrue();

        assertThat(run(b, Operation.UNBIND, EDU).result()).isEqualTo(Outcome.Result.SUCCESS);
        assertThat(kernel.driverOf(EDU)).isEqualTo("none");
        assertThat(kernel.overrideOf(EDU)).isEqualTo("(null)");
        assertThat(kernel.vfioNode(4)).isFalse();
    }

    @Test
    void bindingTwiceIsANoopThatWritesNothing() {
        VfioBinder b = binder(true);
        run(b, Operation.BIND, NIC);
        int writes = kernel.writes.size();
        Outcome again = run(b, Operation.BIND, NIC);
        assertThat(again.result()).isEqualTo(Outcome.Result.NOOP);
        assertThat(kernel.writes).hasSize(writes);
    }

    @Test
    void nonDisplayDevicesNeedAnyClass() {
        Outcome o = run(binder(false), Operation.BIND, NIC);
        assertThat(o.result()).isEqualTo(Outcome.Result.REFUSED);
        assertThat(o.message()).contains("--any-class");
        assertThat(kernel.writes).isEmpty();
        assertThatThrownBy(() -> binder(true).plan(Operation.BIND, PciAddress.of("0000:09:00.0")))
                .isInstanceOf(NotFoundException.class).hasMessageContaining("0000:09:00.0");
    }

    @Test
    void aGroupWithAForeignMemberHeldByAHostDriverIsRefusedWithNothingChanged() {
        Outcome o = run(binder(true), Operation.BIND, BEHIND);
        assertThat(o.result()).isEqualTo(Outcome.Result.REFUSED);
        assertThat(o.message()).contains("not viable").contains(FOREIGN + " on e1000").doesNotContain(BRIDGE);
        assertThat(kernel.writes).isEmpty();
        assertThat(kernel.driverOf(FOREIGN)).isEqualTo("e1000");
        assertThat(kernel.overrideOf(BEHIND)).isEqualTo("(null)");
        assertThat(new Journal(state).unfinished()).isEmpty();
    }

    @Test
    void aGroupHeldOpenByAProcessIsNotReturnedAndTheHolderIsNamed() {
        VfioBinder b = binder(true);
        run(b, Operation.BIND, NIC);
        kernel.holder(4242, "qemu-system-x86", "/dev/vfio/3");
        int writes = kernel.writes.size();

        Outcome o = run(b, Operation.UNBIND, NIC);
        assertThat(o.result()).isEqualTo(Outcome.Result.REFUSED);
        assertThat(o.message()).contains("pid 4242 (qemu-system-x86) holds /dev/vfio/3");
        assertThat(o.holders()).extracting(Holder::pid).containsExactly(4242);
        assertThat(kernel.writes).hasSize(writes);
        assertThat(kernel.driverOf(NIC)).isEqualTo("vfio-pci");
    }

    @Test
    void aDrmNodeInUseBlocksABind() throws Exception {
        Files.createDirectories(root.resolve("sys/bus/pci/devices/" + GPU + "/drm/card0"));
        Files.createDirectories(root.resolve("sys/bus/pci/devices/" + GPU + "/drm/renderD128"));
        kernel.holder(900, "Xorg", "/dev/dri/card0");
        Outcome o = run(binder(false), Operation.BIND, GPU);
        assertThat(o.result()).isEqualTo(Outcome.Result.REFUSED);
        assertThat(o.message()).contains("pid 900 (Xorg) holds /dev/dri/card0");
        assertThat(kernel.driverOf(GPU)).isEqualTo("nouveau");
    }

    @Test
    void seedFailureAReturnThatLeavesTheOverrideIsDetectedAndRepairedNeverReportedAsSuccess() {
        VfioBinder b = binder(true);
        run(b, Operation.BIND, NIC);
        kernel.ignoreOverrideClears = 1;

        Outcome o = run(b, Operation.UNBIND, NIC);

        assertThat(o.result()).as(o.message()).isEqualTo(Outcome.Result.REPAIRED);
        assertThat(o.message()).contains("override vfio-pci");
        assertThat(kernel.driverOf(NIC)).isEqualTo("e1000e");
        assertThat(kernel.overrideOf(NIC)).isEqualTo("(null)");
        assertThat(kernel.vfioNode(3)).isFalse();
    }

    @Test
    void seedFailureOnADeviceWithoutDriverIsCaughtByTheOverrideReadBack() {
        VfioBinder b = binder(true);
        run(b, Operation.BIND, EDU);
        kernel.ignoreOverrideClears = 1;
        Outcome o = run(b, Operation.UNBIND, EDU);
        // unbind + no attach leaves "none" as wanted, but the stale override must still be seen and cleared
        assertThat(o.result()).as(o.message()).isEqualTo(Outcome.Result.REPAIRED);
        assertThat(kernel.overrideOf(EDU)).isEqualTo("(null)");
    }

    @Test
    void aReturnThatCannotBeVerifiedIsRolledBackAndReportedAsFailure() {
        VfioBinder b = binder(true);
        run(b, Operation.BIND, NIC);
        kernel.ignoreOverrideClears = 2; // first pass and repair both lose the clear

        Outcome o = run(b, Operation.UNBIND, NIC);

        assertThat(o.ok()).isFalse();
        assertThat(o.result()).as(o.message()).isEqualTo(Outcome.Result.FAILED);
        assertThat(o.message()).contains("could not verify").contains("rolled back");
        // rolled back to where the journal says the unbind started: on vfio-pci, group node present
        assertThat(kernel.driverOf(NIC)).isEqualTo("vfio-pci");
        assertThat(kernel.overrideOf(NIC)).isEqualTo("vfio-pci");
        assertThat(kernel.vfioNode(3)).isTrue();
        assertThat(new Journal(state).unfinished()).isEmpty();
    }

    @Test
    void anUnbindThatHangsIsNeverASuccess() {
        VfioBinder b = binder(true);
        kernel.hangUnbinds = 10;
        Outcome o = run(b, Operation.BIND, NIC);
        assertThat(o.ok()).isFalse();
        assertThat(o.message()).contains("did not return within");
        assertThat(kernel.driverOf(NIC)).isEqualTo("e1000e");
        assertThat(kernel.overrideOf(NIC)).isEqualTo("(null)");
    }

    @Test
    void d3coldIsWokenOrRefusedWithRebootRequired() {
        kernel.d3cold(EDU, false);
        assertThat(run(binder(true), Operation.BIND, EDU).result()).isEqualTo(Outcome.Result.SUCCESS);

        kernel.d3cold(NIC, true);
        Outcome o = run(binder(true), Operation.BIND, NIC);
        assertThat(o.result()).isEqualTo(Outcome.Result.REFUSED);
        assertThat(o.message()).contains("reboot required");
        assertThat(kernel.driverOf(NIC)).isEqualTo("e1000e");
        assertThat(new Journal(state).unfinished()).isEmpty();
    }

    @Test
    void dryRunPlanListsTheExactWritesAndChangesNothing() {
        Plan plan = binder(false).plan(Operation.BIND, PciAddress.of(GPU));
        assertThat(plan.refused()).isFalse();
        assertThat(plan.writes()).containsExactly(
                new SysfsWrite("/sys/bus/pci/devices/" + GPU + "/driver_override", "vfio-pci"),
                new SysfsWrite("/sys/bus/pci/drivers/nouveau/unbind", GPU),
                new SysfsWrite("/sys/bus/pci/drivers_probe", GPU),
                new SysfsWrite("/sys/bus/pci/devices/" + AUDIO + "/driver_override", "vfio-pci"),
                new SysfsWrite("/sys/bus/pci/drivers/snd_hda_intel/unbind", AUDIO),
                new SysfsWrite("/sys/bus/pci/drivers_probe", AUDIO));
        assertThat(plan.checks()).anyMatch(c -> c.contains("IOMMU group 12"));
        assertThat(kernel.writes).isEmpty();
        assertThat(kernel.driverOf(GPU)).isEqualTo("nouveau");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3, 4, 5})
    void aCrashDuringBindIsRolledBackFromTheJournalOnRestart(int writesBeforeCrash) {
        kernel.crashAfterWrites = writesBeforeCrash;
        try {
            run(binder(false), Operation.BIND, GPU);
        } catch (FakePciKernel.SimulatedCrash expected) {
            // the process died here
        }
        kernel.crashAfterWrites = -1;
        List<Outcome> recovered = binder(false).recover();

        assertThat(recovered).hasSize(1);
        assertThat(recovered.get(0).result()).as(recovered.get(0).message()).isEqualTo(Outcome.Result.SUCCESS);
        assertThat(kernel.driverOf(GPU)).isEqualTo("nouveau");
        assertThat(kernel.driverOf(AUDIO)).isEqualTo("snd_hda_intel");
        assertThat(kernel.overrideOf(GPU)).isEqualTo("(null)");
        assertThat(kernel.overrideOf(AUDIO)).isEqualTo("(null)");
        assertThat(kernel.vfioNode(12)).isFalse();
        assertThat(new Journal(state).unfinished()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2})
    void aCrashDuringReturnIsRolledBackToVfioOnRestart(int writesBeforeCrash) {
        run(binder(true), Operation.BIND, NIC);
        kernel.crashAfterWrites = writesBeforeCrash;
        try {
            run(binder(true), Operation.UNBIND, NIC);
        } catch (FakePciKernel.SimulatedCrash expected) {
            // the process died here
        }
        kernel.crashAfterWrites = -1;
        List<Outcome> recovered = binder(true).recover();
        assertThat(recovered).singleElement().extracting(Outcome::result).isEqualTo(Outcome.Result.SUCCESS);
        assertThat(kernel.driverOf(NIC)).isEqualTo("vfio-pci");
        assertThat(kernel.vfioNode(3)).isTrue();
        // and the next return still knows the host driver
        assertThat(run(binder(true), Operation.UNBIND, NIC).result()).isEqualTo(Outcome.Result.SUCCESS);
        assertThat(kernel.driverOf(NIC)).isEqualTo("e1000e");
    }

    @Test
    void aRestartWithoutJournalTouchesNothing() {
        run(binder(true), Operation.BIND, NIC);
        int writes = kernel.writes.size();
        assertThat(binder(true).recover()).isEmpty();
        assertThat(kernel.writes).hasSize(writes);
        assertThat(kernel.driverOf(NIC)).isEqualTo("vfio-pci");
    }

    @Test
    void fakeKernelRulesTheCodeReliesOn() {
        // an override survives an unbind and keeps the matching driver away
        kernel.write("/sys/bus/pci/devices/" + NIC + "/driver_override", "vfio-pci", Duration.ofSeconds(1));
        assertThat(kernel.driverOf(NIC)).isEqualTo("e1000e");
        kernel.write("/sys/bus/pci/drivers/e1000e/unbind", NIC, Duration.ofSeconds(1));
        assertThat(kernel.overrideOf(NIC)).isEqualTo("vfio-pci");
        assertThatThrownBy(() -> kernel.write("/sys/bus/pci/drivers/e1000e/bind", NIC, Duration.ofSeconds(1)))
                .hasMessageContaining("No such device");
        kernel.write("/sys/bus/pci/drivers_probe", NIC, Duration.ofSeconds(1));
        assertThat(kernel.driverOf(NIC)).isEqualTo("vfio-pci");
        assertThat(kernel.vfioNode(3)).isTrue();
        // binding a device that has a driver fails
        assertThatThrownBy(() -> kernel.write("/sys/bus/pci/drivers/vfio-pci/bind", NIC, Duration.ofSeconds(1)))
                .hasMessageContaining("busy");
        // a cleared override lets drivers_probe pick the matching driver again
        kernel.write("/sys/bus/pci/devices/" + NIC + "/driver_override", "\n", Duration.ofSeconds(1));
        kernel.write("/sys/bus/pci/drivers/vfio-pci/unbind", NIC, Duration.ofSeconds(1));
        assertThat(kernel.vfioNode(3)).isFalse();
        kernel.write("/sys/bus/pci/drivers_probe", NIC, Duration.ofSeconds(1));
        assertThat(kernel.driverOf(NIC)).isEqualTo("e1000e");
        assertThat(new Sysfs(root).read("/sys/bus/pci/devices/" + NIC + "/driver_override")).contains("(null)");
    }
}
