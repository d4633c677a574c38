package dev.tether.node.mount;

/** statfs of a mounted file system, in bytes and inodes. */
public record FsUsage(long totalBytes, long availableBytes, long usedBytes, long totalInodes, long freeInodes) {
}
