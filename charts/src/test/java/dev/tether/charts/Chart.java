package dev.tether.charts;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** charts/tether through helm-java: the same Helm library the helm CLI uses, without a helm binary. */
final class Chart {
    static final String RELEASE = "tether";
    static final String NAMESPACE = "tether";
    /** The API server version templates are rendered for (helm-java's own default, v1.20, is below the chart's floor). */
    static final String KUBE_VERSION = "v1.33.0";

    private Chart() {
    }

    static LintResult lintStrict() {
        return new Helm(Repo.CHART).lint().strict().call();
    }

    /** helm template with the chart's defaults. */
    static String template() {
        return command().call();
    }

    /** helm template -f valuesResource, a YAML file under src/test/resources/values/. */
    static String template(String valuesResource) {
        return command().withValuesFile(resource("values/" + valuesResource)).call();
    }

    /** helm template with inline YAML values (for the cases that must fail). */
    static String templateYaml(String yaml) {
        try {
            Path file = Files.createTempFile("tether-values-", ".yaml");
            try {
                Files.writeString(file, yaml);
                return command().withValuesFile(file).call();
            } finally {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** helm install --dry-run --client-only: the release output with NOTES.txt rendered, no cluster involved. */
    static String notes(String valuesResource) {
        var install = new Helm(Repo.CHART).install().withName(RELEASE).withNamespace(NAMESPACE).withKubeVersion(KUBE_VERSION)
                .dryRun().clientOnly();
        if (valuesResource != null) {
            install.withValuesFile(resource("values/" + valuesResource));
        }
        return install.call().getOutput();
    }

    static Rendered render() {
        return Rendered.parse(template());
    }

    static Rendered render(String valuesResource) {
        return Rendered.parse(template(valuesResource));
    }

    private static TemplateCommand command() {
        return new Helm(Repo.CHART).template().withName(RELEASE).withNamespace(NAMESPACE).withKubeVersion(KUBE_VERSION);
    }

    private static Path resource(String name) {
        try {
            return Path.of(Chart.class.getClassLoader().getResource(name).toURI());
        } catch (java.net.URISyntaxException | NullPointerException e) {
            throw new IllegalArgumentException("no test resource " + name, e);
        }
    }
}
