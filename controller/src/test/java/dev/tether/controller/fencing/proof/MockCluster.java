package dev.tether.controller.fencing.proof;

import dev.tether.driver.testing.Kubeconfigs;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.storage.CSINodeBuilder;
import io.fabric8.kubernetes.api.model.storage.VolumeAttachment;
import io.fabric8.kubernetes.api.model.storage.VolumeAttachmentBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * A Kubernetes API for the controller under test: fabric8's mock server in CRUD mode behind a {@link FaultInjector},
 * with the objects a cluster would hold (Nodes, CSINodes, PVs of this driver, VolumeAttachments) and a kubeconfig
 * that points at it. The harness's own client is exempt from faults.
 */
public final class MockCluster implements AutoCloseable {
    public static final String DRIVER = "tether.csi.dev";
    /** The finalizer the external-attacher puts on every VolumeAttachment it handles. */
    public static final String ATTACHER_FINALIZER = "external-attacher/tether-csi-dev";

    /** Held so the level sticks: the mock logs every request at INFO, thousands per torture run. */
    private static final java.util.logging.Logger MOCK_LOG = quiet();

    private final KubernetesMockServer server;
    private final FaultInjector faults;
    private final KubernetesClient client;

    private MockCluster(KubernetesMockServer server, FaultInjector faults, KubernetesClient client) {
        this.server = server;
        this.faults = faults;
        this.client = client;
    }

    private static java.util.logging.Logger quiet() {
        java.util.logging.Logger logger = java.util.logging.Logger.getLogger(MockWebServer.class.getName());
        logger.setLevel(java.util.logging.Level.WARNING);
        return logger;
    }

    public static MockCluster start(long seed) {
        FaultInjector faults = new FaultInjector(new KubernetesCrudDispatcher(List.of()), seed);
        MockWebServer web = new MockWebServer();
        // The JDK HTTP client offers an h2c upgrade; plain HTTP/1.1 keeps the mock's framing deterministic.
        web.setHttp2ClearTextEnabled(false);
        KubernetesMockServer server = new KubernetesMockServer(new Context(), web, new HashMap<>(), faults, false);
        server.init();
        Config config = new ConfigBuilder(Config.empty()).withMasterUrl(server.url("/")).withTrustCerts(true)
                .withUserAgent(FaultInjector.EXEMPT_AGENT).withRequestTimeout(30_000).build();
        return new MockCluster(server, faults, new KubernetesClientBuilder().withConfig(config).build());
    }

    public FaultInjector faults() {
        return faults;
    }

    /** The harness's client (never faulted). */
    public KubernetesClient client() {
        return client;
    }

    public String url() {
        return server.url("/");
    }

    /** A kubeconfig for the controller under test: plain HTTP to the mock, a dummy token. */
    public Path writeKubeconfig(Path file) throws IOException {
        return Kubeconfigs.write(file, url());
    }

    /** A Ready Node and its CSINode carrying the id the node plugin would register. */
    public void addNode(String name, String nodeId) {
        client.nodes().resource(new NodeBuilder().withNewMetadata().withName(name).endMetadata()
                .withNewStatus().addNewCondition().withType("Ready").withStatus("True").endCondition().endStatus()
                .build()).create();
        client.storage().v1().csiNodes().resource(new CSINodeBuilder().withNewMetadata().withName(name).endMetadata()
                .withNewSpec().addNewDriver().withName(DRIVER).withNodeID(nodeId).endDriver().endSpec().build()).create();
    }

    public static String pvName(String volumeId) {
        return "pv-" + volumeId;
    }

    /** The PersistentVolume csi-provisioner would create for a volume of this driver (bound, Retain). */
    public void addPersistentVolume(String volumeId, String accessMode, boolean block) {
        client.persistentVolumes().resource(new PersistentVolumeBuilder()
                .withNewMetadata().withName(pvName(volumeId)).endMetadata()
                .withNewSpec()
                .withCapacity(Map.of("storage", new Quantity("1Gi")))
                .withAccessModes(accessMode)
                .withVolumeMode(block ? "Block" : "Filesystem")
                .withPersistentVolumeReclaimPolicy("Retain")
                .withNewClaimRef().withNamespace("default").withName("pvc-" + volumeId).endClaimRef()
                .withNewCsi().withDriver(DRIVER).withVolumeHandle(volumeId).withFsType(block ? null : "ext4").endCsi()
                .endSpec()
                .withNewStatus().withPhase("Bound").endStatus()
                .build()).create();
    }

    /** The VolumeAttachment name kube-controller-manager derives: csi-sha256(volume handle + driver + node). */
    public static String attachmentName(String volumeId, String nodeName) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256")
                    .digest((volumeId + DRIVER + nodeName).getBytes(StandardCharsets.UTF_8));
            return "csi-" + HexFormat.of().formatHex(hash);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** What kube-controller-manager creates when a pod needs the volume on a node; the attacher adds its finalizer. */
    public VolumeAttachment createAttachment(String volumeId, String nodeName) {
        return client.storage().v1().volumeAttachments().resource(new VolumeAttachmentBuilder()
                .withNewMetadata().withName(attachmentName(volumeId, nodeName)).withFinalizers(ATTACHER_FINALIZER).endMetadata()
                .withNewSpec().withAttacher(DRIVER).withNodeName(nodeName)
                .withNewSource().withPersistentVolumeName(pvName(volumeId)).endSource().endSpec()
                .withNewStatus().withAttached(false).endStatus()
                .build()).create();
    }

    public VolumeAttachment attachment(String volumeId, String nodeName) {
        return client.storage().v1().volumeAttachments().withName(attachmentName(volumeId, nodeName)).get();
    }

    /** The attacher's record of a successful ControllerPublish. */
    public void markAttached(String volumeId, String nodeName, Map<String, String> publishContext) {
        patchStatus(volumeId, nodeName, Map.of("attached", true, "attachmentMetadata", publishContext));
    }

    /** The attacher's record of a failed ControllerPublish. */
    public void markAttachError(String volumeId, String nodeName, String message) {
        patchStatus(volumeId, nodeName, Map.of("attached", false, "attachError", Map.of("message", message)));
    }

    private void patchStatus(String volumeId, String nodeName, Map<String, Object> status) {
        String json = io.fabric8.kubernetes.client.utils.Serialization.asJson(Map.of("status", status));
        client.storage().v1().volumeAttachments().withName(attachmentName(volumeId, nodeName)).subresource("status")
                .patch(PatchContext.of(PatchType.JSON_MERGE), json);
    }

    /** kube-controller-manager deletes the VolumeAttachment; the finalizer keeps it until the attacher detached. */
    public void deleteAttachment(String volumeId, String nodeName) {
        client.storage().v1().volumeAttachments().withName(attachmentName(volumeId, nodeName)).delete();
    }

    /** The attacher's last step after a successful ControllerUnpublish: the VolumeAttachment goes away. */
    public void removeFinalizer(String volumeId, String nodeName) {
        client.storage().v1().volumeAttachments().withName(attachmentName(volumeId, nodeName))
                .patch(PatchContext.of(PatchType.JSON), "[{\"op\":\"remove\",\"path\":\"/metadata/finalizers\"}]");
    }

    @Override
    public void close() {
        client.close();
        server.destroy();
    }
}
