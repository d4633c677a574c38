package dev.tether.node.gpu;

import java.util.ArrayList;
import java.util.List;

/**
 * The sysfs writes that move one function from where it is to a target binding, in the order of DESIGN.md §6:
 * driver_override first (so no other driver can grab the device in between), then unbind from the current
 * driver, then attach (drivers_probe, or an explicit bind to a named host driver). A full cycle writes the override
 * and detaches even when they look right: that is the repair for a device that claims to be where it is not.
 */
final class Converger {
    private Converger() {
    }

    static List<SysfsWrite> writes(PciAddress address, Binding current, Binding target, boolean fullCycle) {
        List<SysfsWrite> writes = new ArrayList<>();
        String dir = address.sysfsPath();
        if (fullCycle || !current.override().equals(target.override())) {
            writes.add(new SysfsWrite(dir + "/driver_override", target.override().orElse(SysfsWrite.CLEAR)));
        }
        String driver = current.driver();
        boolean detach = !PciInventory.NO_DRIVER.equals(driver) && (fullCycle || !driverSatisfies(target, driver));
        if (detach) {
            writes.add(new SysfsWrite("/sys/bus/pci/drivers/" + driver + "/unbind", address.value()));
            driver = PciInventory.NO_DRIVER;
        }
        boolean attach = !PciInventory.NO_DRIVER.equals(target.driver()) && (detach || !driverSatisfies(target, driver));
        if (attach) {
            writes.add(VfioBinder.VFIO_PCI.equals(target.driver()) || Binding.ANY_HOST_DRIVER.equals(target.driver())
                    ? new SysfsWrite("/sys/bus/pci/drivers_probe", address.value())
                    : new SysfsWrite("/sys/bus/pci/drivers/" + target.driver() + "/bind", address.value()));
        }
        return writes;
    }

    static boolean driverSatisfies(Binding target, String driver) {
        return Binding.ANY_HOST_DRIVER.equals(target.driver())
                ? !VfioBinder.VFIO_PCI.equals(driver)
                : target.driver().equals(driver);
    }
}
