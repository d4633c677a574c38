package dev.tether.controller;

import csi.v1.ControllerGrpc;
import csi.v1.Csi;
import dev.tether.controller.fencing.PublishRpcs;
import dev.tether.controller.fencing.ServingGate;
import dev.tether.controller.volumes.VolumeRpcs;
import dev.tether.driver.error.UnavailableException;
import io.grpc.stub.StreamObserver;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.function.Function;

/**
 * CSI Controller: thin on purpose. Volume lifecycle goes to {@link VolumeRpcs}, attach to {@link PublishRpcs};
 * errors are thrown and mapped once by the error edge. Capabilities are the union of what both halves serve, so
 * ControllerGetCapabilities cannot claim an RPC nobody implements. Mutating volume RPCs answer UNAVAILABLE while the
 * {@link ServingGate} is closed (a standby replica), like publish does.
 */
public final class ControllerService extends ControllerGrpc.ControllerImplBase {
    private final VolumeRpcs volumes;
    private final PublishRpcs publishing;
    private final ServingGate gate;

    public ControllerService(VolumeRpcs volumes, PublishRpcs publishing) {
        this(volumes, publishing, java.util.Optional::empty);
    }

    public ControllerService(VolumeRpcs volumes, PublishRpcs publishing, ServingGate gate) {
        this.volumes = volumes;
        this.publishing = publishing;
        this.gate = gate;
    }

    @Override
    public void controllerGetCapabilities(Csi.ControllerGetCapabilitiesRequest request,
            StreamObserver<Csi.ControllerGetCapabilitiesResponse> response) {
        Set<Csi.ControllerServiceCapability.RPC.Type> types = new LinkedHashSet<>(volumes.capabilities());
        types.addAll(publishing.capabilities());
        Csi.ControllerGetCapabilitiesResponse.Builder answer = Csi.ControllerGetCapabilitiesResponse.newBuilder();
        for (Csi.ControllerServiceCapability.RPC.Type type : types) {
            answer.addCapabilities(Csi.ControllerServiceCapability.newBuilder()
                    .setRpc(Csi.ControllerServiceCapability.RPC.newBuilder().setType(type)));
        }
        reply(response, answer.build());
    }

    @Override
    public void createVolume(Csi.CreateVolumeRequest request, StreamObserver<Csi.CreateVolumeResponse> response) {
        mutate(request, response, volumes::createVolume);
    }

    @Override
    public void deleteVolume(Csi.DeleteVolumeRequest request, StreamObserver<Csi.DeleteVolumeResponse> response) {
        mutate(request, response, volumes::deleteVolume);
    }

    @Override
    public void controllerPublishVolume(Csi.ControllerPublishVolumeRequest request,
            StreamObserver<Csi.ControllerPublishVolumeResponse> response) {
        answer(request, response, publishing::publish);
    }

    @Override
    public void controllerUnpublishVolume(Csi.ControllerUnpublishVolumeRequest request,
            StreamObserver<Csi.ControllerUnpublishVolumeResponse> response) {
        answer(request, response, publishing::unpublish);
    }

    @Override
    public void validateVolumeCapabilities(Csi.ValidateVolumeCapabilitiesRequest request,
            StreamObserver<Csi.ValidateVolumeCapabilitiesResponse> response) {
        answer(request, response, volumes::validateVolumeCapabilities);
    }

    @Override
    public void listVolumes(Csi.ListVolumesRequest request, StreamObserver<Csi.ListVolumesResponse> response) {
        answer(request, response, volumes::listVolumes);
    }

    @Override
    public void getCapacity(Csi.GetCapacityRequest request, StreamObserver<Csi.GetCapacityResponse> response) {
        answer(request, response, volumes::getCapacity);
    }

    @Override
    public void controllerExpandVolume(Csi.ControllerExpandVolumeRequest request,
            StreamObserver<Csi.ControllerExpandVolumeResponse> response) {
        mutate(request, response, volumes::expandVolume);
    }

    @Override
    public void controllerGetVolume(Csi.ControllerGetVolumeRequest request,
            StreamObserver<Csi.ControllerGetVolumeResponse> response) {
        answer(request, response, volumes::getVolume);
    }

    @Override
    public void createSnapshot(Csi.CreateSnapshotRequest request, StreamObserver<Csi.CreateSnapshotResponse> response) {
        mutate(request, response, volumes::createSnapshot);
    }

    @Override
    public void deleteSnapshot(Csi.DeleteSnapshotRequest request, StreamObserver<Csi.DeleteSnapshotResponse> response) {
        mutate(request, response, volumes::deleteSnapshot);
    }

    @Override
    public void listSnapshots(Csi.ListSnapshotsRequest request, StreamObserver<Csi.ListSnapshotsResponse> response) {
        answer(request, response, volumes::listSnapshots);
    }

    /** A mutating volume RPC: only a serving replica (the leader) changes volumes. */
    private <Q, R> void mutate(Q request, StreamObserver<R> response, Function<Q, R> handler) {
        gate.notServing().ifPresent(why -> {
            throw new UnavailableException("this controller replica does not change volumes now: " + why);
        });
        answer(request, response, handler);
    }

    private static <Q, R> void answer(Q request, StreamObserver<R> response, Function<Q, R> handler) {
        reply(response, handler.apply(request));
    }

    private static <R> void reply(StreamObserver<R> response, R value) {
        response.onNext(value);
        response.onCompleted();
    }
}
