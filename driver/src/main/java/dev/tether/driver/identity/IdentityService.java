package dev.tether.driver.identity;

import com.google.protobuf.BoolValue;
import csi.v1.Csi;
import csi.v1.IdentityGrpc;
import dev.tether.driver.health.Readiness;
import io.grpc.stub.StreamObserver;
import java.util.List;

/**
 * CSI Identity. Capabilities are handed in by the app that knows what it serves, so they cannot drift from the
 * services actually registered; Probe is ready only when every readiness check passes.
 */
public final class IdentityService extends IdentityGrpc.IdentityImplBase {
    private final String version;
    private final List<Csi.PluginCapability> capabilities;
    private final Readiness readiness;

    public IdentityService(String version, List<Csi.PluginCapability> capabilities, Readiness readiness) {
        this.version = version;
        this.capabilities = List.copyOf(capabilities);
        this.readiness = readiness;
    }

    @Override
    public void getPluginInfo(Csi.GetPluginInfoRequest request, StreamObserver<Csi.GetPluginInfoResponse> response) {
        response.onNext(Csi.GetPluginInfoResponse.newBuilder()
                .setName(BuildInfo.DRIVER_NAME)
                .setVendorVersion(version)
                .build());
        response.onCompleted();
    }

    @Override
    public void getPluginCapabilities(Csi.GetPluginCapabilitiesRequest request,
            StreamObserver<Csi.GetPluginCapabilitiesResponse> response) {
        response.onNext(Csi.GetPluginCapabilitiesResponse.newBuilder().addAllCapabilities(capabilities).build());
        response.onCompleted();
    }

    @Override
    public void probe(Csi.ProbeRequest request, StreamObserver<Csi.ProbeResponse> response) {
        response.onNext(Csi.ProbeResponse.newBuilder()
                .setReady(BoolValue.of(readiness.ready()))
                .build());
        response.onCompleted();
    }

    public static Csi.PluginCapability service(Csi.PluginCapability.Service.Type type) {
        return Csi.PluginCapability.newBuilder()
                .setService(Csi.PluginCapability.Service.newBuilder().setType(type))
                .build();
    }

    public static Csi.PluginCapability onlineExpansion() {
        return Csi.PluginCapability.newBuilder()
                .setVolumeExpansion(Csi.PluginCapability.VolumeExpansion.newBuilder()
                        .setType(Csi.PluginCapability.VolumeExpansion.Type.ONLINE))
                .build();
    }
}
