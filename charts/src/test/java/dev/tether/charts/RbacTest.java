package dev.tether.charts;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Least privilege, rule by rule. Each expected list is the whole rule set of one role, in the chart's order, so an
 * added verb, resource or rule fails here and has to be justified (the chart comments each rule with the sidecar
 * or Tether code path that needs it; docs/install.md repeats the table).
 */
class RbacTest {
    static final List<String> PROVISIONER = List.of(
            "core persistentvolumes: get,list,watch,create,patch,delete",
            "core persistentvolumeclaims: get,list,watch,update",
            "storage.k8s.io storageclasses: get,list,watch",
            "core events: list,watch,create,update,patch",
            "storage.k8s.io csinodes: get,list,watch",
            "core nodes: get,list,watch",
            "storage.k8s.io volumeattachments: get,list,watch");
    static final List<String> PROVISIONER_SNAPSHOTS = List.of(
            "snapshot.storage.k8s.io volumesnapshots: get,list",
            "snapshot.storage.k8s.io volumesnapshotcontents: get,list");
    static final List<String> ATTACHER = List.of(
            "core persistentvolumes: get,list,watch,patch",
            "storage.k8s.io csinodes: get,list,watch",
            "storage.k8s.io volumeattachments: get,list,watch,patch",
            "storage.k8s.io volumeattachments/status: patch");
    static final List<String> RESIZER = List.of(
            "core persistentvolumes: get,list,watch,patch",
            "core persistentvolumeclaims: get,list,watch",
            "core persistentvolumeclaims/status: patch",
            "core events: list,watch,create,update,patch");
    static final List<String> SNAPSHOTTER = List.of(
            "core events: list,watch,create,update,patch",
            "snapshot.storage.k8s.io volumesnapshotclasses: get,list,watch",
            "snapshot.storage.k8s.io volumesnapshotcontents: get,list,watch,update,patch",
            "snapshot.storage.k8s.io volumesnapshotcontents/status: update,patch");
    static final List<String> CONTROLLER = List.of(
            "core persistentvolumes: get,list,watch,patch",
            "storage.k8s.io volumeattachments: list,watch",
            "core nodes: list,watch",
            "core events: create,patch");
    static final List<String> NODE = List.of(
            "core events: create,patch",
            "core persistentvolumeclaims: get",
            "core persistentvolumes: get",
            "core nodes: get,watch");
    static final List<String> LEADER_ELECTION = List.of(
            "coordination.k8s.io leases: get,watch,list,create,update,delete");

    @Test
    void defaultClusterRolesAreExactlyTheIntendedRules() {
        Rendered chart = Chart.render();
        assertThat(clusterRoles(chart)).containsExactlyInAnyOrderEntriesOf(Map.of(
                "tether-provisioner", PROVISIONER,
                "tether-attacher", ATTACHER,
                "tether-resizer", RESIZER,
                "tether-controller", CONTROLLER,
                "tether-node", NODE));
        assertThat(rules(chart.one(Role.class, "tether-leader-election").getRules())).isEqualTo(LEADER_ELECTION);
        assertThat(chart.one(Role.class, "tether-leader-election").getMetadata().getNamespace()).isEqualTo(Chart.NAMESPACE);
    }

    @Test
    void snapshotsAddTheSnapshotterRoleAndTheProvisionersSnapshotRulesOnly() {
        Rendered chart = Chart.render("monitoring-snapshots.yaml");
        List<String> provisioner = new java.util.ArrayList<>(PROVISIONER);
        provisioner.addAll(PROVISIONER_SNAPSHOTS);
        assertThat(clusterRoles(chart)).containsExactlyInAnyOrderEntriesOf(Map.of(
                "tether-provisioner", provisioner,
                "tether-attacher", ATTACHER,
                "tether-resizer", RESIZER,
                "tether-snapshotter", SNAPSHOTTER,
                "tether-controller", CONTROLLER,
                "tether-node", NODE));
    }

    @Test
    void withoutLeaderElectionThereIsNoLeaseAccess() {
        Rendered chart = Chart.render("fake.yaml");
        assertThat(chart.all(Role.class)).isEmpty();
        assertThat(chart.all(RoleBinding.class)).isEmpty();
    }

    @Test
    void eachRoleIsBoundToTheServiceAccountOfThePodThatUsesIt() {
        for (String values : List.of("ssh-chart-secret.yaml", "monitoring-snapshots.yaml")) {
            Rendered chart = Chart.render(values);
            Map<String, String> subjects = new TreeMap<>();
            for (ClusterRoleBinding binding : chart.all(ClusterRoleBinding.class)) {
                assertThat(binding.getRoleRef().getName()).isEqualTo(binding.getMetadata().getName());
                assertThat(binding.getSubjects()).singleElement().satisfies(s -> {
                    assertThat(s.getKind()).isEqualTo("ServiceAccount");
                    assertThat(s.getNamespace()).isEqualTo(Chart.NAMESPACE);
                    subjects.put(binding.getRoleRef().getName(), s.getName());
                });
            }
            assertThat(subjects.keySet()).isEqualTo(clusterRoles(chart).keySet());
            subjects.forEach((role, sa) -> assertThat(sa).as(role)
                    .isEqualTo(role.equals("tether-node") ? "tether-node" : "tether-controller"));
            RoleBinding leases = chart.one(RoleBinding.class, "tether-leader-election");
            assertThat(leases.getSubjects()).singleElement().satisfies(s -> assertThat(s.getName()).isEqualTo("tether-controller"));
            assertThat(chart.controller().getSpec().getTemplate().getSpec().getServiceAccountName()).isEqualTo("tether-controller");
            assertThat(chart.node().getSpec().getTemplate().getSpec().getServiceAccountName()).isEqualTo("tether-node");
        }
    }

    @Test
    void noRoleUsesWildcardsOrTouchesSecrets() {
        Rendered chart = Chart.render("monitoring-snapshots.yaml");
        List<PolicyRule> all = new java.util.ArrayList<>();
        chart.all(ClusterRole.class).forEach(r -> all.addAll(r.getRules()));
        chart.all(Role.class).forEach(r -> all.addAll(r.getRules()));
        assertThat(all).isNotEmpty().allSatisfy(rule -> {
            assertThat(rule.getVerbs()).doesNotContain("*");
            assertThat(rule.getResources()).doesNotContain("*", "secrets");
            assertThat(rule.getApiGroups()).doesNotContain("*");
            assertThat(rule.getResourceNames()).isNullOrEmpty();
        });
    }

    static Map<String, List<String>> clusterRoles(Rendered chart) {
        return chart.all(ClusterRole.class).stream()
                .collect(Collectors.toMap(r -> r.getMetadata().getName(), r -> rules(r.getRules()), (a, b) -> a, TreeMap::new));
    }

    /** One line per (group, resource): "group resource: verb,verb" with "core" for the empty group. */
    static List<String> rules(List<PolicyRule> rules) {
        return rules.stream().flatMap(rule -> rule.getApiGroups().stream().flatMap(group -> rule.getResources().stream()
                        .map(resource -> (group.isEmpty() ? "core" : group) + " " + resource + ": "
                                + String.join(",", rule.getVerbs()))))
                .toList();
    }
}
