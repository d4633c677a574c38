package dev.tether.controller.fencing;

import dev.tether.driver.model.VolumeId;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Keeps every event posted, for assertions. */
final class RecordingEvents implements FencingEvents {
    record Event(VolumeId volume, boolean warning, String reason, String message) {
    }

    final List<Event> events = new CopyOnWriteArrayList<>();

    @Override
    public void post(VolumeId volume, boolean warning, String reason, String message) {
        events.add(new Event(volume, warning, reason, message));
    }

    List<Event> withReason(String reason) {
        return events.stream().filter(e -> e.reason().equals(reason)).toList();
    }
}
