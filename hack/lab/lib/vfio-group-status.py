#!/usr/bin/python3
"""Print the VFIO_GROUP_GET_STATUS flags of /dev/vfio/GROUP: "viable=0|1 container_set=0|1".

Used by lab scenarios: a group is viable only when every endpoint in it is bound
to vfio-pci (or has no driver); bridges do not count.
"""
import fcntl
import os
import struct
import sys

VFIO_GROUP_GET_STATUS = (ord(";") << 8) | (100 + 3)  # _IO(VFIO_TYPE, VFIO_BASE + 3)

fd = os.open(sys.argv[1], os.O_RDWR)
try:
    buf = bytearray(struct.pack("II", 8, 0))
    fcntl.ioctl(fd, VFIO_GROUP_GET_STATUS, buf)
    flags = struct.unpack("II", buf)[1]
    print(f"viable={flags & 1} container_set={(flags >> 1) & 1}")
finally:
    os.close(fd)
