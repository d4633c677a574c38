package dev.tether.node.gpu;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.driver.cli.CommandLines;
import dev.tether.node.gpu.cli.GpuCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class GpuCommandTest {
    @TempDir
    Path root;
    @TempDir
    Path state;
    FakePciKernel kernel;
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();

    @BeforeEach
    void machine() {
        kernel = new FakePciKernel(root).driver("vfio-pci").driver("nouveau").driver("snd_hda_intel").driver("e1000")
                .device("0000:01:00.0", "10de:2204", 0x030000, 12, "nouveau").boundTo("0000:01:00.0", "nouveau")
                .device("0000:01:00.1", "10de:1aef", 0x040300, 12, "snd_hda_intel").boundTo("0000:01:00.1", "snd_hda_intel")
                .device("0000:00:06.0", "1b36:000e", 0x060400, 6, null)
                .device("0000:02:01.0", "1234:11e8", 0x00ff00, 6, null)
                .device("0000:02:02.0", "8086:100e", 0x020000, 6, "e1000").boundTo("0000:02:02.0", "e1000")
                .holder(31, "Xorg", "/dev/vfio/12");
    }

    int gpu(String... args) {
        CommandLine cli = CommandLines.create(new GpuCommand());
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--sysfs-root", root.toString(), "--dev-root", root.toString(), "--proc-root",
                root.toString(), "--state-dir", state.toString()));
        return cli.execute(all.toArray(String[]::new));
    }

    @Test
    void statusShowsTheGpuAndItsAudioFunctionAsSysfsHasThem() {
        assertThat(gpu("status")).isZero();
        String[] lines = out.toString().split("\n");
        assertThat(lines[0]).startsWith("ADDRESS").contains("GROUP MEMBERS", "OVERRIDE", "IN USE BY");
        assertThat(lines).hasSize(3);
        assertThat(lines[1]).contains("0000:01:00.0", "10de:2204", "0x030000", "12", "0000:01:00.0,0000:01:00.1",
                "nouveau", "D0", "flr,bus", "none", "31/Xorg");
        assertThat(lines[2]).contains("0000:01:00.1", "snd_hda_intel");
        assertThat(out.toString()).doesNotContain("0000:02:02.0");
    }

    @Test
    void anyClassListsEveryEndpointButNoBridge() {
        assertThat(gpu("status", "--any-class")).isZero();
        assertThat(out.toString()).contains("0000:02:01.0", "0000:02:02.0").doesNotContain("0000:00:06.0  ");
    }

    @Test
    void dryRunPrintsTheWritesAndLeavesSysfsAlone() throws Exception {
        String before = Files.readString(root.resolve("sys/bus/pci/devices/0000:01:00.0/driver_override"));
        assertThat(gpu("bind", "0000:01:00.0", "--dry-run")).isEqualTo(3); // Xorg holds /dev/vfio/12 in this machine
        assertThat(out.toString())
                .contains("would write 'vfio-pci' > /sys/bus/pci/devices/0000:01:00.0/driver_override")
                .contains("would write '0000:01:00.0' > /sys/bus/pci/drivers/nouveau/unbind")
                .contains("would write '0000:01:00.0' > /sys/bus/pci/drivers_probe")
                .contains("refused: in use: pid 31 (Xorg) holds /dev/vfio/12")
                .contains("dry run: nothing changed");
        assertThat(Files.readString(root.resolve("sys/bus/pci/devices/0000:01:00.0/driver_override"))).isEqualTo(before);
        assertThat(kernel.driverOf("0000:01:00.0")).isEqualTo("nouveau");
    }

    @Test
    void aForeignMemberIsRefusedWithExitThree() {
        assertThat(gpu("bind", "--any-class", "0000:02:01.0")).isEqualTo(3);
        assertThat(out.toString()).contains("refused: IOMMU group 6 is not viable: 0000:02:02.0 on e1000");
        assertThat(kernel.overrideOf("0000:02:01.0")).isEqualTo("(null)");
    }

    @Test
    void aMalformedAddressIsAUsageErrorNamingIt() {
        assertThat(gpu("unbind", "01:00.0")).isEqualTo(CommandLines.USAGE_ERROR);
        assertThat(err.toString()).contains("'01:00.0' is not a PCI address");
        assertThat(gpu("unbind", "0000:0a:00.0")).isEqualTo(1);
        assertThat(err.toString()).contains("no PCI device 0000:0a:00.0");
    }

    @Test
    void recoverWithoutJournalsSaysSoAndChangesNothing() {
        assertThat(gpu("recover")).isZero();
        assertThat(out.toString()).contains("no unfinished transitions");
    }
}
