package dev.tether.driver.health;

import java.util.Optional;

/** One dependency the process needs before it can do its job (the backend reachable, the rebuild done, ...). */
public interface ReadinessCheck {
    String name();

    /** Empty when ready; otherwise what is missing, in words an operator can act on. */
    Optional<String> problem();
}
