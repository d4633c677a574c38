# shellcheck shell=bash
# Host side of the lab (sourced by hack/lab/run): packages, the cached Debian
# kernel + initramfs, and booting one QEMU guest that runs a list of scenarios.
# Everything here runs under a timeout; a started qemu is always reaped by
# lab_kill_guest (called from run's EXIT trap too).

LAB_DIR=${LAB_DIR:?}
REPO=${REPO:?}
LAB_CACHE=${LAB_CACHE:-$LAB_DIR/.cache}
LAB_MEM=${LAB_MEM:-3G}
LAB_SMP=${LAB_SMP:-2}
LAB_BOOT_TIMEOUT=${LAB_BOOT_TIMEOUT:-120}   # qemu start -> first scenario started
LAB_GRACE=${LAB_GRACE:-20}                  # host-side slack over a scenario's own timeout

log() { echo "lab: $*" >&2; }

now() { echo "${EPOCHREALTIME/,/.}"; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }   # secs START END
after() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a > b) }'; }          # after NOW DEADLINE

# ---------------------------------------------------------------- packages
LAB_PACKAGES=(qemu-system-x86 busybox-static nvme-cli cpio e2fsprogs xfsprogs socat
	iproute2 util-linux kmod xz-utils pciutils procps coreutils)
LAB_APT_UPDATED=0

lab_apt_update() {
	[ "$LAB_APT_UPDATED" = 1 ] && return 0
	log "apt-get update"
	timeout 300 apt-get update -q >"$LAB_CACHE/apt-update.log" 2>&1 ||
		{ log "apt-get update failed, see $LAB_CACHE/apt-update.log"; return 1; }
	LAB_APT_UPDATED=1
}

lab_ensure_packages() {
	local p missing=()
	for p in "${LAB_PACKAGES[@]}"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	[ "$(id -u)" = 0 ] || { log "missing packages ${missing[*]} and not root: install them first"; return 1; }
	lab_apt_update || return 1
	log "apt-get install ${missing[*]}"
	DEBIAN_FRONTEND=noninteractive timeout 900 apt-get install -y -q --no-install-recommends "${missing[@]}" \
		>"$LAB_CACHE/apt-install.log" 2>&1 ||
		{ log "apt-get install failed, see $LAB_CACHE/apt-install.log"; return 1; }
}

# ---------------------------------------------------------------- kernel
# The kernel package: LAB_KERNEL_PKG, else what linux-image-amd64 depends on
# (Debian 12's current 6.1 kernel). Sets KPKG and KPKG_VER.
lab_kernel_pkg() {
	local pkg=${LAB_KERNEL_PKG:-} ver try
	for try in 1 2; do
		if [ -z "$pkg" ]; then
			pkg=$(timeout 30 apt-cache depends linux-image-amd64 2>/dev/null |
				awk '$1 == "Depends:" && $2 ~ /^linux-image-6\.1\.[0-9]+-[0-9]+-amd64(-unsigned)?$/ { print $2; exit }')
		fi
		if [ -n "$pkg" ]; then
			ver=$(timeout 30 apt-cache policy "$pkg" 2>/dev/null | awk '$1 == "Candidate:" { print $2 }')
			if [ -n "$ver" ] && [ "$ver" != "(none)" ]; then
				KPKG=$pkg KPKG_VER=$ver
				return 0
			fi
		fi
		[ "$try" = 1 ] && { lab_apt_update || break; }
	done
	return 1
}

lab_extract_vmlinux() { # lab_extract_vmlinux VMLINUZ OUT: uncompressed ELF vmlinux (saves the decompression at every boot)
	local in=$1 out=$2 off
	for off in $(LC_ALL=C grep -obUaP '\xfd7zXZ\x00' "$in" | cut -d: -f1); do
		tail -c +$((off + 1)) "$in" | timeout 120 xz -dc >"$out.tmp" 2>/dev/null
		if [ "$(head -c4 "$out.tmp" | od -An -c | tr -d ' ')" = '177ELF' ]; then
			mv "$out.tmp" "$out"
			return 0
		fi
	done
	rm -f "$out.tmp"
	return 1
}

lab_newest_cached_kernel() {
	local d
	for d in $(ls -d "$LAB_CACHE"/kernel-*/ 2>/dev/null | sort -rV); do
		[ -f "$d/ready" ] && { echo "${d%/}"; return 0; }
	done
	return 1
}

# Sets KVER, KDIR (dir with lib/modules/KVER, given to modprobe -d in the guest), KIMAGE, INITRD.
# Serialised by a lock in the cache dir, so two runs never unpack into the same place.
lab_kernel_prepare() {
	mkdir -p "$LAB_CACHE"
	exec 9>"$LAB_CACHE/.prepare.lock"
	flock -w 900 9 || { log "cannot lock $LAB_CACHE/.prepare.lock"; return 1; }
	lab_kernel_prepare_locked
	local rc=$?
	exec 9>&-
	return $rc
}

lab_kernel_prepare_locked() {
	local pkg ver key kc deb
	if ! lab_kernel_pkg; then
		# offline: reuse the newest prepared kernel, if any
		kc=$(lab_newest_cached_kernel) || { log "cannot resolve a linux-image-6.1 package and nothing cached"; return 1; }
		log "apt-cache gave no kernel; reusing cached $(basename "$kc")"
	else
		pkg=$KPKG ver=$KPKG_VER
		key="${pkg#linux-image-}_${ver}"
		kc=$LAB_CACHE/kernel-$key
		if [ ! -f "$kc/ready" ]; then
			log "preparing kernel $pkg $ver in $kc (once)"
			rm -rf "$kc" "$kc.tmp"
			mkdir -p "$kc.tmp/dl"
			if ! (cd "$kc.tmp/dl" && timeout 600 apt-get download -q "$pkg=$ver" >../download.log 2>&1); then
				# stale package lists (the version left the mirror): refresh once, else use the cache
				if [ "$LAB_APT_UPDATED" = 0 ] && lab_apt_update; then
					rm -rf "$kc.tmp"
					lab_kernel_prepare_locked
					return
				fi
				log "apt-get download $pkg=$ver failed, see $kc.tmp/download.log"
				kc=$(lab_newest_cached_kernel) || return 1
				log "reusing cached $(basename "$kc")"
			fi
		fi
		if [ ! -f "$kc/ready" ]; then
			deb=$(ls "$kc.tmp"/dl/*.deb)
			timeout 300 dpkg -x "$deb" "$kc.tmp/root" || { log "dpkg -x failed"; return 1; }
			KVER=$(ls "$kc.tmp/root/lib/modules" | head -1)
			[ -n "$(find "$kc.tmp/root/lib/modules/$KVER" -name nvmet-tcp.ko\* | head -1)" ] ||
				{ log "$pkg has no nvmet-tcp module; set LAB_KERNEL_PKG=${pkg%-unsigned}-unsigned"; return 1; }
			timeout 300 depmod -b "$kc.tmp/root" "$KVER" || { log "depmod failed"; return 1; }
			if lab_extract_vmlinux "$kc.tmp/root/boot/vmlinuz-$KVER" "$kc.tmp/vmlinux"; then
				log "extracted uncompressed vmlinux"
			else
				log "could not extract vmlinux, booting vmlinuz (slower)"
			fi
			rm -rf "$kc.tmp/dl"
			echo "$pkg $ver" >"$kc.tmp/ready"
			mv "$kc.tmp" "$kc"
		fi
	fi
	KDIR=$kc/root
	KVER=$(ls "$KDIR/lib/modules" | head -1)
	KIMAGE=$KDIR/boot/vmlinuz-$KVER
	[ -f "$kc/vmlinux" ] && [ "${LAB_USE_VMLINUZ:-0}" != 1 ] && KIMAGE=$kc/vmlinux
	lab_initramfs "$kc" || return 1
}

# The initramfs: static busybox, the modules needed to mount 9p + overlay, and
# lib/initramfs-init as /init. Keyed by the init script and module list.
lab_initramfs() {
	local kc=$1 mods=(virtio_pci 9pnet_virtio 9p overlay) m tmp sum
	sum=$( (cat "$LAB_DIR/lib/initramfs-init"; echo "${mods[*]}") | sha256sum | cut -c1-12)
	INITRD=$kc/initramfs-$sum.cpio.gz
	[ -f "$INITRD" ] && return 0
	log "building initramfs $INITRD"
	tmp=$(mktemp -d "$LAB_CACHE/initramfs.XXXXXX")
	mkdir -p "$tmp"/{bin,dev,proc,sys,modules,newroot}
	cp /bin/busybox "$tmp/bin/busybox"
	cp "$LAB_DIR/lib/initramfs-init" "$tmp/init"
	chmod 755 "$tmp/init"
	mknod -m 600 "$tmp/dev/console" c 5 1
	mknod -m 666 "$tmp/dev/null" c 1 3
	for m in "${mods[@]}"; do
		timeout 30 modprobe -d "$kc/root" -S "$KVER" --show-depends "$m" | awk '$1 == "insmod" { print $2 }'
	done | awk '!seen[$0]++' | while read -r m; do
		cp "$m" "$tmp/modules/"
		basename "$m" >>"$tmp/modules/order"
	done
	[ -s "$tmp/modules/order" ] || { log "no modules for the initramfs"; rm -rf "$tmp"; return 1; }
	(cd "$tmp" && find . | timeout 60 cpio -o -H newc --quiet | gzip -1 >"$INITRD.tmp") &&
		mv "$INITRD.tmp" "$INITRD"
	rm -rf "$tmp"
	[ -f "$INITRD" ]
}

# ---------------------------------------------------------------- guest
# PCI devices for the VFIO scenarios (see docs/lab.md for what lands in which IOMMU group):
#   00:03.0 e1000e (driver e1000e)                     own group
#   00:04.0 edu (no driver)                             own group
#   00:05.0 + 00:05.1 edu, multifunction                one group, two endpoints
#   00:06.0 pcie-pci-bridge -> 01:01.0 edu, 01:02.0 e1000 (driver e1000)
#                                                       one group with the bridge: "a group with a foreign member"
LAB_QEMU_DEVICES=(
	-device intel-iommu,intremap=on,caching-mode=on
	-netdev hubport,id=n0,hubid=0 -device e1000e,netdev=n0,addr=03.0
	-device edu,addr=04.0
	-device edu,addr=05.0,multifunction=on -device edu,addr=05.1
	-device pcie-pci-bridge,id=pcibr0,addr=06.0
	-device edu,bus=pcibr0,addr=01.0
	-netdev hubport,id=n1,hubid=1 -device e1000,netdev=n1,bus=pcibr0,addr=02.0
)

QEMU_PID=
QMP_SOCK=

qmp() { # qmp COMMAND-JSON...: best effort, 5 s
	[ -S "$QMP_SOCK" ] || return 1
	{
		echo '{"execute":"qmp_capabilities"}'
		local c
		for c in "$@"; do echo "$c"; done
		sleep 0.3
	} | timeout 5 socat - "UNIX-CONNECT:$QMP_SOCK" >/dev/null 2>&1
}

lab_guest_alive() { [ -n "$QEMU_PID" ] && kill -0 "$QEMU_PID" 2>/dev/null; }

lab_wait_guest_exit() { # lab_wait_guest_exit SECONDS
	local end
	end=$(awk -v n="$(now)" -v s="$1" 'BEGIN { printf "%.3f", n + s }')
	while lab_guest_alive; do
		after "$(now)" "$end" && return 1
		sleep 0.2
	done
	return 0
}

# Stop the guest: QMP quit first (clean for qemu), then SIGKILL by pid.
lab_kill_guest() {
	lab_guest_alive || { QEMU_PID=; return 0; }
	if qmp '{"execute":"quit"}' && lab_wait_guest_exit 5; then
		log "guest stopped via QMP quit"
	else
		log "guest did not quit via QMP: SIGKILL $QEMU_PID"
		kill -KILL "$QEMU_PID" 2>/dev/null
		lab_wait_guest_exit 5 || true
	fi
	QEMU_PID=
}

# lab_kill_pair: stop both guests of a two-guest scenario (same way)
declare -A PAIR_PID=() PAIR_QMP=()
lab_kill_pair() {
	local role save_pid=$QEMU_PID save_sock=$QMP_SOCK
	for role in "${!PAIR_PID[@]}"; do
		QEMU_PID=${PAIR_PID[$role]} QMP_SOCK=${PAIR_QMP[$role]}
		[ -n "$QEMU_PID" ] && lab_kill_guest
		rm -f "${PAIR_QMP[$role]}"
		unset "PAIR_PID[$role]"
	done
	QEMU_PID=$save_pid QMP_SOCK=$save_sock
}

pair_alive() { [ -n "${PAIR_PID[$1]:-}" ] && kill -0 "${PAIR_PID[$1]}" 2>/dev/null; }

lab_free_port() {
	local p
	for _ in $(seq 50); do
		p=$((20000 + RANDOM % 20000))
		ss -Htln "sport = :$p" 2>/dev/null | grep -q . || { echo "$p"; return 0; }
	done
	return 1
}

# lab_boot_pair RUNDIR SCENARIO_REL: a "# guests: 2" scenario. Boots two guests,
# "storage" and "node", joined by a private virtual Ethernet link (qemu socket
# netdev over host loopback; 169.254.77.1 and .2 in the guests), runs the
# scenario in both (LAB_ROLE tells which), serves their link cut/restore requests
# with QMP set_link, and passes only if both pass. Fills R_* like lab_boot.
lab_boot_pair() {
	local rundir=$1 rel=$2 name t hard port start role deadline started=
	local -A job=()
	name=$(basename "$rel" .sh)
	t=$(lab_header "$LAB_DIR/$rel" timeout 120)
	rm -rf "${rundir:?}/$name"
	mkdir -p "$rundir/$name/storage" "$rundir/$name/node" "$rundir/$name/sync"
	hard=$((LAB_BOOT_TIMEOUT + t + LAB_GRACE + 30))
	R_STATUS[$name]=FAIL
	port=$(lab_free_port) || { R_REASON[$name]="no free local port for the guests' link"; return 1; }
	start=$(now)
	BOOT_SECS=
	BOOT_BROKE=0
	local mac=1
	for role in storage node; do
		PAIR_QMP[$role]=${TMPDIR:-/tmp}/tether-lab-$$-$role.qmp
		local netdev="socket,id=lan,listen=127.0.0.1:$port"
		[ "$role" = node ] && netdev="socket,id=lan,connect=127.0.0.1:$port"
		lab_qemu_start "$rundir" "$hard" "$rundir/$name/$role/console.log" "${PAIR_QMP[$role]}" \
			"$rundir/.qemu-$role.pid" "$rundir/.qemu-$role-stderr.log" "$(lab_cmdline "$role" "$rel")" \
			-netdev "$netdev" -device "virtio-net-pci,netdev=lan,mac=52:54:00:4c:41:0$mac,addr=08.0"
		job[$role]=$LAST_JOB
		PAIR_PID[$role]=$LAST_QEMU_PID
		mac=2
		if [ -z "$LAST_QEMU_PID" ]; then
			R_REASON[$name]="qemu ($role) did not start: $(tail -1 "$rundir/.qemu-$role-stderr.log")"
			lab_kill_pair
			BOOT_BROKE=1
			return 1
		fi
		# the node's qemu connects to the storage qemu's listening socket
		if [ "$role" = storage ]; then
			for _ in $(seq 100); do ss -Htln "sport = :$port" | grep -q . && break; sleep 0.1; done
		fi
	done
	deadline=$(awk -v n="$start" -v s="$LAB_BOOT_TIMEOUT" 'BEGIN { printf "%.3f", n + s }')
	local f req r st done_both
	while :; do
		if [ -z "$started" ] && [ -f "$rundir/$name/storage/started" ] && [ -f "$rundir/$name/node/started" ]; then
			started=$(now)
			BOOT_SECS=$(secs "$start" "$started")
			deadline=$(awk -v n="$started" -v s="$((t + LAB_GRACE))" 'BEGIN { printf "%.3f", n + s }')
		fi
		# link requests from the guests: sync/link-request-<id> = "<role> up|down"
		for f in "$rundir/$name/sync"/link-request-*; do
			[ -f "$f" ] || continue
			[[ $f == *.tmp ]] && continue   # the guest writes .tmp, then renames
			read -r r st <"$f"
			req=${f##*/link-request-}
			QMP_SOCK=${PAIR_QMP[$r]:-}
			if [ -n "$QMP_SOCK" ] && qmp "{\"execute\":\"set_link\",\"arguments\":{\"name\":\"lan\",\"up\":$([ "$st" = up ] && echo true || echo false)}}"; then
				echo ok >"$rundir/$name/sync/link-done-$req"
			else
				echo "failed" >"$rundir/$name/sync/link-done-$req"
			fi
			rm -f "$f"
			[ "${LAB_VERBOSE:-0}" = 1 ] && log "$name: set_link $r $st"
		done
		done_both=1
		for role in storage node; do
			[ -f "$rundir/$name/$role/rc" ] && continue
			done_both=0
			if ! pair_alive "$role"; then
				R_REASON[$name]="$role guest died (see $role/console.log)"
				[ -z "$started" ] && BOOT_BROKE=1
				break 2
			fi
		done
		[ "$done_both" = 1 ] && break
		if after "$(now)" "$deadline"; then
			if [ -z "$started" ]; then R_REASON[$name]="the guests did not start the scenario in time"; BOOT_BROKE=1
			else R_REASON[$name]="hung: killed by the host after ${t}s + ${LAB_GRACE}s grace"; fi
			break
		fi
		sleep 0.1
	done
	R_TIME[$name]=$(secs "${started:-$start}" "$(now)")
	if [ "$done_both" = 1 ]; then
		local why=
		for role in storage node; do
			[ "$(cat "$rundir/$name/$role/rc")" = 0 ] && continue
			f=$(grep -a '^FAIL: ' "$rundir/$name/$role/output.log" 2>/dev/null | head -1 | cut -c7- | cut -c1-200)
			why="${why:+$why; }$role: ${f:-exit code $(cat "$rundir/$name/$role/rc")}"
		done
		if [ -z "$why" ]; then R_STATUS[$name]=PASS; else R_REASON[$name]=$why; fi
		for role in storage node; do
			QEMU_PID=${PAIR_PID[$role]}
			lab_wait_guest_exit 15 || true
		done
		QEMU_PID=
	fi
	lab_kill_pair
	wait "${job[storage]}" "${job[node]}" 2>/dev/null
	rm -f "$rundir"/.qemu-storage.pid "$rundir"/.qemu-node.pid
	return 0
}

# lab_qemu_start RESULTS_DIR HARD_TIMEOUT CONSOLE QMP_SOCK PIDFILE STDERR CMDLINE [QEMU ARGS...]
# Starts one guest in the background under timeout; sets LAST_JOB (the timeout's pid)
# and LAST_QEMU_PID (qemu's own pid from -pidfile; empty if it did not start).
lab_qemu_start() {
	local results=$1 hard=$2 console=$3 qmp=$4 pidfile=$5 stderr=$6 cmdline=$7 i
	shift 7
	rm -f "$qmp" "$pidfile"
	# shellcheck disable=SC2086
	timeout -k 5 "$hard" qemu-system-x86_64 -name tether-lab -nodefaults -no-user-config \
		-display none -vga none -no-reboot \
		-machine q35,kernel-irqchip=split -accel tcg,thread=multi -cpu max \
		-smp "$LAB_SMP" -m "$LAB_MEM" \
		-kernel "$KIMAGE" -initrd "$INITRD" -append "$cmdline" \
		-chardev "file,id=con0,path=$console" -serial chardev:con0 \
		-qmp "unix:$qmp,server=on,wait=off" -pidfile "$pidfile" \
		-virtfs local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap \
		-virtfs "local,path=$results,mount_tag=results,security_model=none" \
		"${LAB_QEMU_DEVICES[@]}" "$@" ${LAB_QEMU_EXTRA:-} \
		>"$stderr" 2>&1 </dev/null &
	LAST_JOB=$!
	for i in $(seq 50); do [ -s "$pidfile" ] && break; sleep 0.1; done
	LAST_QEMU_PID=$(cat "$pidfile" 2>/dev/null || true)
}

# lab_cmdline ROLE SCENARIOS: the kernel command line of a lab guest
# (no_timer_check: under TCG on a loaded host the IO-APIC timer check can miss its
# ticks and panic with "timer doesn't work through Interrupt-remapped IO-APIC")
lab_cmdline() {
	echo "console=ttyS0 rdinit=/init panic=-1 no_timer_check intel_iommu=on iommu=pt ${LAB_KERNEL_ARGS:-} lab.repo=$REPO lab.kdir=$KDIR lab.role=$1 lab.scenarios=$2"
}

# lab_boot RUNDIR CONSOLE_LOG SCENARIO_REL...  (SCENARIO_REL relative to hack/lab, e.g. scenarios/x.sh)
# Boots one guest that runs the scenarios in order. Fills R_STATUS[name] (PASS/FAIL),
# R_REASON[name], R_TIME[name]; sets BOOT_SECS. Returns 1 if the boot itself broke.
lab_boot() {
	local rundir=$1 console=$2
	shift 2
	local rels=("$@") names=() rel name t total=0 cmdline start deadline started fin rc
	for rel in "${rels[@]}"; do
		name=$(basename "$rel" .sh)
		names+=("$name")
		t=$(lab_header "$LAB_DIR/$rel" timeout 120)
		total=$((total + t + LAB_GRACE))
		rm -rf "${rundir:?}/$name"
		mkdir -p "$rundir/$name"
	done
	local hard=$((LAB_BOOT_TIMEOUT + total + 30))
	# short path: a unix socket path must fit in 108 bytes, a CI checkout path may not
	QMP_SOCK=${TMPDIR:-/tmp}/tether-lab-$$.qmp
	local joined
	joined=$(IFS=,; echo "${rels[*]}")
	cmdline=$(lab_cmdline single "$joined")
	start=$(now)
	BOOT_SECS=
	BOOT_BROKE=0
	lab_qemu_start "$rundir" "$hard" "$console" "$QMP_SOCK" "$rundir/.qemu.pid" "$rundir/.qemu-stderr.log" "$cmdline"
	local job=$LAST_JOB
	QEMU_PID=$LAST_QEMU_PID
	if [ -z "$QEMU_PID" ]; then
		for name in "${names[@]}"; do R_STATUS[$name]=FAIL; R_REASON[$name]="qemu did not start: $(tail -1 "$rundir/.qemu-stderr.log")"; done
		wait "$job" 2>/dev/null
		return 1
	fi
	deadline=$(awk -v n="$start" -v s="$LAB_BOOT_TIMEOUT" 'BEGIN { printf "%.3f", n + s }')
	local broke=0 idx=0
	for rel in "${rels[@]}"; do
		name=${names[$idx]}
		idx=$((idx + 1))
		t=$(lab_header "$LAB_DIR/$rel" timeout 120)
		R_STATUS[$name]=FAIL
		# wait for the guest to start this scenario
		while [ ! -f "$rundir/$name/started" ]; do
			if ! lab_guest_alive; then
				R_REASON[$name]="guest exited before the scenario started (see console log)"
				[ "$idx" = 1 ] && BOOT_BROKE=1
				broke=1
				break
			fi
			if after "$(now)" "$deadline"; then
				R_REASON[$name]="scenario did not start in time (boot/previous scenario hung)"
				[ "$idx" = 1 ] && BOOT_BROKE=1
				broke=1
				break
			fi
			sleep 0.1
		done
		[ "$broke" = 1 ] && break
		started=$(now)
		[ -z "$BOOT_SECS" ] && BOOT_SECS=$(secs "$start" "$started")
		[ "${LAB_VERBOSE:-0}" = 1 ] && log "guest started $name after $(secs "$start" "$started") s"
		deadline=$(awk -v n="$started" -v s="$((t + LAB_GRACE))" 'BEGIN { printf "%.3f", n + s }')
		[ -n "${LAB_ON_START:-}" ] && "$LAB_ON_START" "$rundir/$name"
		while [ ! -f "$rundir/$name/rc" ]; do
			if ! lab_guest_alive; then R_REASON[$name]="guest died during the scenario (see console log)"; broke=1; break; fi
			if after "$(now)" "$deadline"; then R_REASON[$name]="hung: killed by the host after ${t}s + ${LAB_GRACE}s grace"; broke=1; break; fi
			sleep 0.1
		done
		fin=$(now)
		if [ "$broke" = 1 ]; then
			R_TIME[$name]=$(secs "$started" "$fin")
			break
		fi
		rc=$(cat "$rundir/$name/rc")
		R_TIME[$name]=$(awk -v a="$(cat "$rundir/$name/started")" -v b="$(cat "$rundir/$name/finished" 2>/dev/null || echo 0)" \
			'BEGIN { if (b > a) printf "%.1f", b - a; else print "?" }')
		[ "${R_TIME[$name]}" = "?" ] && R_TIME[$name]=$(secs "$started" "$fin")
		deadline=$(awk -v n="$fin" 'BEGIN { printf "%.3f", n + 30 }')
		if [ "$rc" = 0 ]; then
			R_STATUS[$name]=PASS
		elif [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
			R_REASON[$name]="timed out after ${t}s"
		else
			local why
			why=$(grep -a '^FAIL: ' "$rundir/$name/output.log" 2>/dev/null | head -1 | cut -c7- | cut -c1-200)
			R_REASON[$name]=${why:-exit code $rc}
		fi
	done
	# scenarios never reached
	for name in "${names[@]}"; do
		[ -n "${R_STATUS[$name]:-}" ] || { R_STATUS[$name]=FAIL; R_REASON[$name]="not run: the guest was stopped earlier"; }
	done
	# the guest powers itself off after the last scenario; otherwise stop it
	if [ "$broke" = 0 ]; then
		lab_wait_guest_exit 15 || { log "guest did not power off, stopping it via QMP"; lab_kill_guest; }
	else
		lab_kill_guest
	fi
	wait "$job" 2>/dev/null   # only qemu's job: other background jobs (the demo's tail) are not ours to wait for
	QEMU_PID=
	rm -f "$QMP_SOCK" "$rundir/.qemu.pid"
	return "$broke"
}

lab_header() { # lab_header FILE KEY DEFAULT: "# key: value" header of a scenario
	local v
	v=$(sed -n "s/^# *$2: *\\(.*\\)\$/\\1/p" "$1" | head -1 | sed 's/[[:space:]]*$//')
	echo "${v:-$3}"
}
