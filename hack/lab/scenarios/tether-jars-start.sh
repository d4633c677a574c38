#!/bin/bash
# timeout: 240
# default: yes
# description: Tether's controller (--backend fake, standalone) and node plugin start in the guest from the host's build, serve their unix sockets and /healthz
set -euo pipefail
. "$LAB_LIB/guest.sh"

# Needs the jars built on the host first (./mvnw -DskipTests package, or hack/test);
# tether_controller/tether_node FAIL with a clear message when a jar is missing.
mkdir -p /run/tether

step "start the node plugin (java from $LAB_JAVA_HOME)"
t=$(now_us)
tether_node --endpoint unix:///run/tether/node.sock --node-name lab-node \
	--state-dir /run/tether/node-state --hostnqn-file /run/tether/hostnqn --hostid-file /run/tether/hostid \
	--metrics-address 127.0.0.1:9811
step "start the controller (--backend fake, --kubeconfig none)"
tether_controller --endpoint unix:///run/tether/controller.sock --backend fake --kubeconfig none \
	--metrics-address 127.0.0.1:9810

wait_for_socket /run/tether/node.sock 150
m_node=$(since_us "$t")
wait_for_socket /run/tether/controller.sock 150
m_both=$(since_us "$t")
step "sockets up: node after ${m_node} s, both after ${m_both} s"
kill -0 "$TETHER_NODE_PID" || fail "tether-node exited: $(tail -5 "$LAB_OUT/tether-node.log")"
kill -0 "$TETHER_CONTROLLER_PID" || fail "tether-controller exited: $(tail -5 "$LAB_OUT/tether-controller.log")"

step "/healthz of both"
wait_for 30 "node /healthz" curl -sf http://127.0.0.1:9811/healthz
wait_for 30 "controller /healthz" curl -sf http://127.0.0.1:9810/healthz
assert_eq ok "$(curl -sf http://127.0.0.1:9811/healthz)" "node /healthz"
assert_eq ok "$(curl -sf http://127.0.0.1:9810/healthz)" "controller /healthz"
curl -sf http://127.0.0.1:9811/metrics >"$LAB_OUT/node-metrics.txt" || fail "node /metrics"

step "the node generated its host identity"
assert_file_contains /run/tether/hostnqn '^nqn\.2014-08\.org\.nvmexpress:uuid:[0-9a-f-]{36}$'
echo "  hostnqn $(cat /run/tether/hostnqn)"

step "stop both with SIGTERM"
kill -TERM "$TETHER_NODE_PID" "$TETHER_CONTROLLER_PID"
wait_for 30 "tether-node to exit" bash -c "! kill -0 $TETHER_NODE_PID"
wait_for 30 "tether-controller to exit" bash -c "! kill -0 $TETHER_CONTROLLER_PID"
echo "MEASURE jvm_node_socket=${m_node}s jvm_both_sockets=${m_both}s" | tee "$LAB_OUT/measure.txt"
step ok
