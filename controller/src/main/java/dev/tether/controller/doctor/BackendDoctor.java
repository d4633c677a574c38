package dev.tether.controller.doctor;

import dev.tether.driver.doctor.DoctorCheck;
import java.util.List;

/**
 * The checks that tell an operator whether the controller can drive its storage backend. A backend implementation
 * can provide its own (e.g. checks run over its SSH session on the storage node) by implementing this.
 */
public interface BackendDoctor {

    List<DoctorCheck> checks();
}
