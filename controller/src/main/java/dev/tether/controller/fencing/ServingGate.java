package dev.tether.controller.fencing;

import java.util.Optional;

/** Whether this replica may change attachments now: it leads and has rebuilt its map. */
public interface ServingGate {
    /** Empty when serving; otherwise why not (standby, rebuild in progress), answered as UNAVAILABLE and on /readyz. */
    Optional<String> notServing();
}
