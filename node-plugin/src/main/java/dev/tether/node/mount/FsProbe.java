package dev.tether.node.mount;

import java.util.Optional;

/** What blkid found on a device: a file system type, a partition table, or nothing (then it may be formatted). */
public record FsProbe(Optional<String> fsType, Optional<String> partitionTable) {
    public static final FsProbe EMPTY = new FsProbe(Optional.empty(), Optional.empty());

    public boolean blank() {
        return fsType.isEmpty() && partitionTable.isEmpty();
    }
}
