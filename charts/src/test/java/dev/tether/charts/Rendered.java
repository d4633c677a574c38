package dev.tether.charts;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** The objects of one helm template run, as typed fabric8 objects (unknown kinds as generic resources). */
record Rendered(List<HasMetadata> objects) {
    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();
    private static final Pattern DOCUMENT_SEPARATOR = Pattern.compile("(?m)^---\\s*$");

    static Rendered parse(String manifests) {
        List<HasMetadata> objects = new ArrayList<>();
        for (String document : DOCUMENT_SEPARATOR.split(manifests)) {
            boolean onlyComments = document.lines().map(String::strip).allMatch(l -> l.isEmpty() || l.startsWith("#"));
            if (!onlyComments) {
                objects.add(SERIALIZATION.unmarshal(document, HasMetadata.class));
            }
        }
        return new Rendered(List.copyOf(objects));
    }

    <T extends HasMetadata> List<T> all(Class<T> type) {
        return objects.stream().filter(type::isInstance).map(type::cast).toList();
    }

    List<HasMetadata> ofKind(String kind) {
        return objects.stream().filter(o -> kind.equals(o.getKind())).toList();
    }

    <T extends HasMetadata> T one(Class<T> type, String name) {
        List<T> found = all(type).stream().filter(o -> name.equals(o.getMetadata().getName())).toList();
        if (found.size() != 1) {
            throw new AssertionError("expected one " + type.getSimpleName() + " named " + name + ", found " + found.size()
                    + " among " + objects.stream().map(o -> o.getKind() + "/" + o.getMetadata().getName()).toList());
        }
        return found.get(0);
    }

    boolean has(String kind, String name) {
        return objects.stream().anyMatch(o -> kind.equals(o.getKind()) && name.equals(o.getMetadata().getName()));
    }

    Deployment controller() {
        return one(Deployment.class, "tether-controller");
    }

    DaemonSet node() {
        return one(DaemonSet.class, "tether-node");
    }

    List<PodSpec> podSpecs() {
        List<PodSpec> specs = new ArrayList<>();
        all(Deployment.class).forEach(d -> specs.add(d.getSpec().getTemplate().getSpec()));
        all(DaemonSet.class).forEach(d -> specs.add(d.getSpec().getTemplate().getSpec()));
        return specs;
    }

    static Container container(PodSpec pod, String name) {
        return pod.getContainers().stream().filter(c -> name.equals(c.getName())).findFirst()
                .orElseThrow(() -> new AssertionError("no container " + name + " in "
                        + pod.getContainers().stream().map(Container::getName).toList()));
    }

    static String env(Container container, String name) {
        return container.getEnv().stream().filter(e -> name.equals(e.getName())).findFirst()
                .map(e -> e.getValue() != null ? e.getValue() : "fieldRef:" + e.getValueFrom().getFieldRef().getFieldPath())
                .orElseThrow(() -> new AssertionError("container " + container.getName() + " has no env " + name));
    }
}
