package dev.tether.node.gpu;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** Ready-made fake machines for tests outside this package. */
public final class FakeKernels {
    private FakeKernels() {
    }

    /** Two NVIDIA GPUs on nouveau (group 12 with an audio function, group 13 alone). */
    public static Machine twoGpus(Path root) {
        FakePciKernel k = new FakePciKernel(root).driver("vfio-pci").driver("nouveau").driver("snd_hda_intel")
                .device("0000:01:00.0", "10de:2204", 0x030000, 12, "nouveau").boundTo("0000:01:00.0", "nouveau")
                .device("0000:01:00.1", "10de:1aef", 0x040300, 12, "snd_hda_intel").boundTo("0000:01:00.1", "snd_hda_intel")
                .device("0000:02:00.0", "10de:2204", 0x030000, 13, "nouveau").boundTo("0000:02:00.0", "nouveau");
        return new Machine(k);
    }

    public record Machine(FakePciKernel kernel) {
        public VfioBinder binder(Path state, DevicePolicy policy) {
            return new VfioBinder(new PciInventory(kernel.sysfs(), kernel.sysfs()), kernel,
                    new InUseScanner(kernel.sysfs()), new Journal(state), policy,
                    new VfioBinder.Settings(Duration.ofSeconds(1), Duration.ZERO));
        }

        public String driverOf(String address) {
            return kernel.driverOf(address);
        }

        public List<SysfsWrite> writes() {
            return kernel.writes;
        }

        public void holder(int pid, String command, String node) {
            kernel.holder(pid, command, node);
        }

        public void release(int pid) {
            try (var files = Files.walk(kernel.root().resolve("proc/" + pid))) {
                files.sorted((a, b) -> b.compareTo(a)).forEach(p -> p.toFile().delete());
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }
}
