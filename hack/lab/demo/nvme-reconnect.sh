#!/bin/bash
# timeout: 180
# description: narrated walk-through: export a volume, connect, write, cut the target, watch the reconnect, read back
# Run with: hack/lab/run --demo
set -euo pipefail
. "$LAB_LIB/guest.sh"

SUBNQN=nqn.2026-01.dev.tether:demo-volume
HOSTNQN=$(lab_hostnqn demo-node)
PORT=4420
BACKING=/tmp/demo-volume.img

say() { # a paragraph of narration
	echo
	fold -s -w 78 <<<"$*" | sed 's/^/  /'
}
chapter() {
	echo
	echo "== $* =="
}

cat <<'EOF'

  Tether lab demo: NVMe over TCP on a real Linux kernel
  ------------------------------------------------------
  This is a QEMU guest running Debian's 6.1 kernel. One guest plays both roles:
  the storage target (the kernel's nvmet, configured through configfs) and the
  worker node that connects to it (nvme-tcp), over 127.0.0.1.

  Today this demo drives the kernel with nvme-cli and configfs directly, the
  same steps Tether's controller (target side) and node plugin (host side) will
  perform. When their jars exist, this walk-through will run them instead.
EOF

chapter "1. Load the kernel modules"
say "nvmet is the target, nvmet-tcp its TCP transport, nvme-tcp the host side. There is no udev in this guest, so we load them from the unpacked Debian kernel ourselves."
show modprobe -d "$LAB_KDIR" nvmet-tcp
show modprobe -d "$LAB_KDIR" nvme-tcp
load_modules ext4

chapter "2. Export a volume (target side)"
say "A 64 MiB file stands in for the volume. We create an NVMe subsystem named $SUBNQN, give it the file as namespace 1, and allow exactly one host NQN: the demo node's. attr_allow_any_host=0 means every other host is refused at connect time."
truncate -s 64M "$BACKING"
nvmet_export_file "$SUBNQN" "$BACKING" "$PORT"
nvmet_allow_host "$SUBNQN" "$HOSTNQN"
echo "  configfs now has:"
(cd "$NVMET" && find subsystems hosts ports -maxdepth 3 | grep -v '/attr_\|/passthru\|/ana_groups\|/referrals\|/param_\|/addr_' | sed 's/^/    /')

chapter "3. Connect (node side)"
say "The node connects with its own host NQN and a host ID derived from it. reconnect_delay=2 s: after losing the path it retries every 2 s; ctrl_loss_tmo=60 s: it gives up and deletes the controller after a minute."
t=$(now_us)
show timeout 30 nvme connect -t tcp -a 127.0.0.1 -s "$PORT" -n "$SUBNQN" \
	--hostnqn "$HOSTNQN" --hostid "$(lab_hostid "$HOSTNQN")" --reconnect-delay=2 --ctrl-loss-tmo=60
dev=$(wait_for_ns_dev "$SUBNQN" 10)
ctrl=$(nvme_ctrls "$SUBNQN")
subsys=$(nvme_subsys_dir "$SUBNQN")
say "Connected in $(since_us "$t") s. We find the block device by the subsystem NQN in sysfs, not by /dev/disk/by-id (no udev here, and none on many minimal nodes):"
echo "    $subsys/subsysnqn = $(<"$subsys/subsysnqn")"
echo "    controller $ctrl, state $(ctrl_state "$ctrl"), address $(<"/sys/class/nvme/$ctrl/address")"
echo "    namespace block device $dev ($(($(<"/sys/class/block/${dev#/dev/}/size") / 2048)) MiB)"

chapter "4. Put a filesystem on it and write"
show mkfs.ext4 -q -F "$dev"
mkdir -p /mnt/volume
show mount "$dev" /mnt/volume
echo "hello from the Tether lab, written at $(date +%T)" >/mnt/volume/hello.txt
head -c 4M /dev/urandom >/mnt/volume/data.bin
sum=$(sha256sum </mnt/volume/data.bin | cut -d' ' -f1)
echo "  wrote hello.txt and a 4 MiB data.bin (sha256 ${sum:0:16}...)"
say "We unmount and drop the page cache, so reading the files later has to go to the target."
show umount /mnt/volume
echo 3 >/proc/sys/vm/drop_caches

chapter "5. Cut the target port"
say "Now the storage network 'fails': we unlink the subsystem from the target port, which closes the listener and drops the TCP connection. Watch the controller's state in /sys/class/nvme/$ctrl/state."
LAB_WATCH_VERBOSE=1 watch_ctrl_state "$ctrl" /tmp/states.txt
sleep 0.3
show rm "$NVMET/ports/$PORT/subsystems/$SUBNQN"
wait_for_ctrl_state "$ctrl" connecting 10
sleep 0.5
say "The node keeps retrying every reconnect_delay. I/O does not fail while it retries (until ctrl_loss_tmo): we mount the volume and read data.bin back now; the read blocks."
(
	trap - ERR EXIT
	mount "$dev" /mnt/volume && sha256sum </mnt/volume/data.bin | cut -d' ' -f1 >/tmp/readback.sum
) &
reader=$!
sleep 4
if kill -0 "$reader" 2>/dev/null; then echo "  ... the read is still waiting (controller: $(ctrl_state "$ctrl"))"; fi

chapter "6. Bring the target back"
t=$(now_us)
show ln -s "$NVMET/subsystems/$SUBNQN" "$NVMET/ports/$PORT/subsystems/$SUBNQN"
wait_for_ctrl_state "$ctrl" live 15
say "The controller is live again $(since_us "$t") s after the port came back (at most one reconnect_delay), on the same block device $dev."
wait "$reader" || true
if [ "$(cat /tmp/readback.sum 2>/dev/null)" = "$sum" ]; then
	echo "  the blocked read completed: data.bin sha256 ${sum:0:16}... matches"
	echo "  $(cat /mnt/volume/hello.txt)"
else
	fail "read back after reconnect did not match"
fi

chapter "7. Clean up"
umount /mnt/volume
show timeout 30 nvme disconnect -n "$SUBNQN"
wait_for_ctrl_state "$ctrl" gone 10
nvmet_unexport "$SUBNQN"
say "Done. The controller went: $(cut -d' ' -f2- /tmp/states.txt | paste -sd'>' | sed 's/>/ -> /g'). Everything ran on a real kernel; the same flow will drive Tether's controller and node plugin when their jars are built."
