package dev.tether.charts;

import static dev.tether.charts.Rendered.container;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * No Docker engine runs here, so the Dockerfiles are checked against what they depend on: the jar each Maven module
 * builds, the entrypoint the chart relies on (it never overrides the command) and the paths the docs tell operators
 * to exec. A renamed jar, a moved path or an unpinned base image fails here.
 */
class ImagesTest {

    record Image(String module, String mainClass, String dockerfile, String container, boolean nonRoot) {
        String pom() {
            return Repo.read(module + "/pom.xml");
        }
    }

    static Stream<Arguments> images() {
        return Stream.of(
                Arguments.of(new Image("controller", "dev.tether.controller.ControllerMain", "images/controller/Dockerfile",
                        "tether-controller", true)),
                Arguments.of(new Image("node-plugin", "dev.tether.node.NodeMain", "images/node/Dockerfile", "tether-node", false)));
    }

    @ParameterizedTest
    @MethodSource("images")
    void dockerfileCopiesTheJarTheModuleBuildsAndRunsItFromThePathTheDocsUse(Image image) throws Exception {
        String finalName = group(image.pom(), "<finalName>([^<]+)</finalName>");
        assertThat(group(image.pom(), "<mainClass>([^<]+)</mainClass>")).isEqualTo(image.mainClass());
        String dockerfile = joined(image.dockerfile());
        Matcher copy = Pattern.compile("(?m)^COPY (\\S+) (\\S+)$").matcher(dockerfile);
        assertThat(copy.find()).as("a COPY of the jar").isTrue();
        String copySource = copy.group(1);
        assertThat(copySource).isEqualTo(image.module() + "/target/" + finalName + ".jar");
        String runtimeJar = copy.group(2);
        assertThat(runtimeJar).isEqualTo("/opt/tether/" + finalName + ".jar");
        assertThat(copy.find()).as("one COPY only").isFalse();

        List<String> entrypoint = entrypoint(dockerfile);
        assertThat(entrypoint.getFirst()).isEqualTo("java");
        assertThat(entrypoint.subList(entrypoint.size() - 2, entrypoint.size())).containsExactly("-jar", runtimeJar);
        assertThat(entrypoint).contains("-XX:+UseSerialGC", "-XX:+ExitOnOutOfMemoryError")
                .anyMatch(f -> f.startsWith("-XX:MaxRAMPercentage="));

        // The AppCDS archive is trained in this image and is the one the entrypoint maps.
        String archive = group(dockerfile, "-XX:ArchiveClassesAtExit=(\\S+)");
        assertThat(entrypoint).contains("-XX:SharedArchiveFile=" + archive);
        assertThat(dockerfile).contains("test -s " + archive).contains("-jar " + runtimeJar);

        // The chart keeps the image's entrypoint and configures it through env only; operators exec this path.
        for (PodSpec pod : Chart.render().podSpecs()) {
            pod.getContainers().stream().filter(c -> c.getName().equals(image.container())).forEach(c -> {
                assertThat(c.getCommand()).as(c.getName() + " command").isNullOrEmpty();
                assertThat(c.getArgs()).as(c.getName() + " args").isNullOrEmpty();
            });
        }
        String execDoctor = "java -jar " + runtimeJar + " doctor";
        assertThat(Repo.read("charts/tether/templates/NOTES.txt")).contains(execDoctor);
        assertThat(Repo.read("docs/install.md")).contains(execDoctor);
        assertThat(Repo.read("docs/troubleshoot.md")).contains(execDoctor);

        // Only the jar goes into the build context.
        assertThat(Repo.read(image.dockerfile() + ".dockerignore").lines().filter(l -> !l.startsWith("#")).toList())
                .containsExactly("*", "!" + copySource);
    }

    @ParameterizedTest
    @MethodSource("images")
    void baseImageIsAPinnedSlimJreAndTheUserMatchesThePodSecurityContext(Image image) {
        String dockerfile = joined(image.dockerfile());
        List<String> froms = Pattern.compile("(?m)^FROM (\\S+)").matcher(dockerfile).results().map(m -> m.group(1)).toList();
        assertThat(froms).singleElement().satisfies(from -> {
            assertThat(from).matches("eclipse-temurin:\\d+\\.\\d+\\.\\d+_\\d+-jre-[a-z]+");
            assertThat(from).doesNotContain("latest").doesNotContain("jdk");
        });
        List<String> users = Pattern.compile("(?m)^USER (\\S+)$").matcher(dockerfile).results().map(m -> m.group(1)).toList();
        PodSpec controllerPod = Chart.render().controller().getSpec().getTemplate().getSpec();
        if (image.nonRoot()) {
            assertThat(users).containsExactly("65532:65532");
            assertThat(controllerPod.getSecurityContext().getRunAsUser()).isEqualTo(65532L);
            assertThat(dockerfile.indexOf("USER ")).as("USER after the CDS training run").isGreaterThan(dockerfile.indexOf("ArchiveClassesAtExit"));
        } else {
            assertThat(users).isEmpty();
            Container node = container(Chart.render().node().getSpec().getTemplate().getSpec(), "tether-node");
            assertThat(node.getSecurityContext().getPrivileged()).isTrue();
        }
    }

    @ParameterizedTest
    @MethodSource("images")
    void nodeImageCarriesTheToolsNodeStageAndDoctorRun(Image image) {
        String dockerfile = joined(image.dockerfile());
        String installed = group(dockerfile, "apt-get install -y --no-install-recommends ([^&]+)&&").strip();
        if (image.module().equals("node-plugin")) {
            assertThat(installed.split("\\s+")).containsExactlyInAnyOrder("nvme-cli", "e2fsprogs", "xfsprogs", "util-linux", "kmod");
        } else {
            assertThat(installed.split("\\s+")).containsExactly("iproute2");
        }
        assertThat(dockerfile).contains("rm -rf /var/lib/apt/lists/*");
    }

    private static String joined(String dockerfile) {
        return Repo.read(dockerfile).replaceAll("\\\\\\n\\s*", " ");
    }

    private static List<String> entrypoint(String dockerfile) throws Exception {
        String json = group(dockerfile, "(?m)^ENTRYPOINT (\\[.*\\])$");
        return new ObjectMapper().readValue(json, new TypeReference<List<String>>() { });
    }

    private static String group(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        assertThat(m.find()).as("/" + regex + "/ in text").isTrue();
        return m.group(1);
    }
}
