package dev.tether.node.recovery;

import dev.tether.node.mount.Mounter;
import dev.tether.node.volume.StagedVolume;
import dev.tether.node.volume.StagedVolumeStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a starting node plugin does with the records of the one before it: keep every volume whose staging mount is
 * still there (the supervisor then re-adopts or reconnects its controller), and forget records whose staging mount
 * kubelet no longer has (unstaged while we were down, or the node rebooted). It never unmounts or disconnects: a
 * plugin restart must not touch a volume that is in use.
 */
public final class StartupRecovery {
    private static final Logger LOG = LoggerFactory.getLogger(StartupRecovery.class);

    private StartupRecovery() {
    }

    /** Returns how many records were kept. */
    public static int run(StagedVolumeStore store, Mounter mounter) {
        int kept = 0;
        for (StagedVolume v : store.all()) {
            if (mounter.mountAt(v.stagedMount()).isPresent()) {
                kept++;
                LOG.info("re-adopting staged volume {} at {}", v.volumeId(), v.stagingPath());
            } else {
                LOG.info("dropping the record of {}: {} is no longer mounted (unstaged or rebooted); nothing is disconnected",
                        v.volumeId(), v.stagedMount());
                store.delete(v.volumeId());
            }
        }
        return kept;
    }
}
