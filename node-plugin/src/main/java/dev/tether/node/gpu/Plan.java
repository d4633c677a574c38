package dev.tether.node.gpu;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A transition worked out from sysfs before anything is written: the checks that ran, where each moving function
 * is and should be, the writes that would get it there, and why it must not run ({@code refusal}), if so.
 */
public record Plan(Operation op, DeviceUnit unit, Map<PciAddress, Binding> original, Map<PciAddress, Binding> target,
        List<String> checks, List<SysfsWrite> writes, Optional<String> refusal, List<Holder> holders) {

    public boolean refused() {
        return refusal.isPresent();
    }
}
