package dev.tether.csi;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.DescriptorProtos.FieldOptions;
import com.google.protobuf.DescriptorProtos.FileOptions;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.Descriptors.MethodDescriptor;
import com.google.protobuf.Descriptors.ServiceDescriptor;
import com.google.protobuf.GeneratedMessage.GeneratedExtension;
import com.google.protobuf.Message;
import csi.v1.ControllerGrpc;
import csi.v1.Csi;
import csi.v1.GroupControllerGrpc;
import csi.v1.IdentityGrpc;
import csi.v1.NodeGrpc;
import csi.v1.SnapshotMetadataGrpc;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Pins our csi.proto to the CSI v1.12.0 wire contract.
 *
 * <p>Two kinds of checks:
 *
 * <ul>
 *   <li>Golden bytes: messages built through the generated Java API must encode to exactly the
 *       bytes derived by hand from the spec's field numbers and wire types (tag = field_number
 *       &lt;&lt; 3 | wire_type; wire types used: 0 = VARINT, 2 = LEN), and those bytes must decode
 *       back to the same message.
 *   <li>Descriptor checks: the full field table (message, number, name, type), the option
 *       markers (csi_secret and alpha_*), services, methods, streaming flags and enum numbers are
 *       compared with tables written from the spec.
 * </ul>
 *
 * <p>The expected tables below are transcribed from the CSI v1.12.0 spec (field numbers, types,
 * options). Our only deviation is the rename {@code mutable_parameters -> mutable_params} in
 * CreateVolumeRequest, ValidateVolumeCapabilitiesRequest and
 * ValidateVolumeCapabilitiesResponse.Confirmed (same numbers, so the wire is unchanged).
 */
class WireContractTest {

  private static final FileDescriptor FILE = Csi.getDescriptor();

  /** Concatenates hex fragments (spaces allowed) into bytes. */
  private static byte[] hex(String... parts) {
    return HexFormat.of().parseHex(String.join("", parts).replace(" ", ""));
  }

  private static String hexOf(byte[] bytes) {
    return HexFormat.ofDelimiter(" ").formatHex(bytes);
  }

  /** Encodes, compares with the golden bytes, and decodes the golden bytes back. */
  private static void assertWire(Message message, byte[] expected) throws Exception {
    byte[] actual = message.toByteArray();
    assertThat(hexOf(actual)).as("encoding of %s", message.getDescriptorForType().getName())
        .isEqualTo(hexOf(expected));
    Message decoded = message.getParserForType().parseFrom(expected);
    assertThat(decoded).isEqualTo(message);
    assertThat(decoded.getUnknownFields().asMap()).as("no unknown fields").isEmpty();
  }

  // -------------------------------------------------------------------------------------------
  // Golden bytes
  // -------------------------------------------------------------------------------------------

  @Nested
  class GoldenBytes {

    @Test
    void createVolumeRequest() throws Exception {
      Csi.CreateVolumeRequest request = Csi.CreateVolumeRequest.newBuilder()
          .setName("pv-1")
          .setCapacityRange(Csi.CapacityRange.newBuilder()
              .setRequiredBytes(1L << 30)
              .setLimitBytes(1L << 31))
          .addVolumeCapabilities(Csi.VolumeCapability.newBuilder()
              .setMount(Csi.VolumeCapability.MountVolume.newBuilder()
                  .setFsType("ext4")
                  .addMountFlags("noatime"))
              .setAccessMode(Csi.VolumeCapability.AccessMode.newBuilder()
                  .setMode(Csi.VolumeCapability.AccessMode.Mode.SINGLE_NODE_WRITER)))
          .putParameters("type", "nvme")
          .putSecrets("token", "s3cr3t")
          .putMutableParams("iops", "5000")
          .build();

      byte[] expected = hex(
          // name = 1, LEN: tag (1<<3)|2 = 0x0a, len 4, "pv-1"
          "0a 04 70762d31",
          // capacity_range = 2, LEN: tag (2<<3)|2 = 0x12, len 12
          "12 0c",
          //   required_bytes = 1, VARINT: tag (1<<3)|0 = 0x08, 2^30 = 80 80 80 80 04
          "08 8080808004",
          //   limit_bytes = 2, VARINT: tag (2<<3)|0 = 0x10, 2^31 = 80 80 80 80 08
          "10 8080808008",
          // volume_capabilities = 3 (repeated), LEN: tag (3<<3)|2 = 0x1a, len 21
          "1a 15",
          //   mount = 2 (oneof access_type), LEN: tag 0x12, len 15
          "12 0f",
          //     fs_type = 1, LEN: tag 0x0a, len 4, "ext4"
          "0a 04 65787434",
          //     mount_flags = 2 (repeated string), LEN: tag 0x12, len 7, "noatime"
          "12 07 6e6f6174696d65",
          //   access_mode = 3, LEN: tag (3<<3)|2 = 0x1a, len 2
          "1a 02",
          //     mode = 1, VARINT: tag 0x08, SINGLE_NODE_WRITER = 1
          "08 01",
          // parameters = 4 (map entry), LEN: tag (4<<3)|2 = 0x22, len 12
          "22 0c",
          //   key = 1: 0x0a len 4 "type"; value = 2: 0x12 len 4 "nvme"
          "0a 04 74797065 12 04 6e766d65",
          // secrets = 5 (map entry), LEN: tag (5<<3)|2 = 0x2a, len 15
          "2a 0f",
          //   key "token", value "s3cr3t"
          "0a 05 746f6b656e 12 06 733363723374",
          // mutable_params (spec: mutable_parameters) = 8 (map entry), LEN: tag (8<<3)|2 = 0x42
          "42 0c",
          //   key "iops", value "5000"
          "0a 04 696f7073 12 04 35303030");

      assertWire(request, expected);
      assertThat(Csi.CreateVolumeRequest.parseFrom(expected).getMutableParamsMap())
          .containsExactly(Map.entry("iops", "5000"));
    }

    @Test
    void controllerPublishVolumeRequest() throws Exception {
      Csi.ControllerPublishVolumeRequest request = Csi.ControllerPublishVolumeRequest.newBuilder()
          .setVolumeId("vol-1")
          .setNodeId("node-a")
          .setVolumeCapability(Csi.VolumeCapability.newBuilder()
              .setBlock(Csi.VolumeCapability.BlockVolume.getDefaultInstance())
              .setAccessMode(Csi.VolumeCapability.AccessMode.newBuilder()
                  .setMode(Csi.VolumeCapability.AccessMode.Mode.SINGLE_NODE_WRITER)))
          .setReadonly(true)
          .putSecrets("k", "v")
          .putVolumeContext("pool", "p1")
          .build();

      byte[] expected = hex(
          // volume_id = 1, LEN: tag 0x0a, len 5, "vol-1"
          "0a 05 766f6c2d31",
          // node_id = 2, LEN: tag 0x12, len 6, "node-a"
          "12 06 6e6f64652d61",
          // volume_capability = 3, LEN: tag 0x1a, len 6
          "1a 06",
          //   block = 1 (oneof access_type), LEN: tag 0x0a, len 0 (empty BlockVolume)
          "0a 00",
          //   access_mode = 3, LEN: tag 0x1a, len 2; mode = 1 VARINT: 08 01
          "1a 02 08 01",
          // readonly = 4, VARINT: tag (4<<3)|0 = 0x20, true = 1
          "20 01",
          // secrets = 5 (map entry), LEN: tag 0x2a, len 6: key "k", value "v"
          "2a 06 0a 01 6b 12 01 76",
          // volume_context = 6 (map entry), LEN: tag (6<<3)|2 = 0x32, len 10: "pool" -> "p1"
          "32 0a 0a 04 706f6f6c 12 02 7031");

      assertWire(request, expected);
    }

    @Test
    void nodeStageVolumeRequest() throws Exception {
      Csi.NodeStageVolumeRequest request = Csi.NodeStageVolumeRequest.newBuilder()
          .setVolumeId("vol-1")
          .putPublishContext("nqn", "nqn.x")
          .setStagingTargetPath("/stage")
          .setVolumeCapability(Csi.VolumeCapability.newBuilder()
              .setMount(Csi.VolumeCapability.MountVolume.newBuilder().setFsType("xfs"))
              .setAccessMode(Csi.VolumeCapability.AccessMode.newBuilder()
                  .setMode(Csi.VolumeCapability.AccessMode.Mode.SINGLE_NODE_WRITER)))
          .putSecrets("k", "v")
          .putVolumeContext("a", "b")
          .build();

      byte[] expected = hex(
          // volume_id = 1, LEN: tag 0x0a, len 5, "vol-1"
          "0a 05 766f6c2d31",
          // publish_context = 2 (map entry), LEN: tag 0x12, len 12: "nqn" -> "nqn.x"
          "12 0c 0a 03 6e716e 12 05 6e716e2e78",
          // staging_target_path = 3, LEN: tag 0x1a, len 6, "/stage"
          "1a 06 2f7374616765",
          // volume_capability = 4, LEN: tag (4<<3)|2 = 0x22, len 11
          "22 0b",
          //   mount = 2, LEN: tag 0x12, len 5; fs_type = 1: 0a 03 "xfs"
          "12 05 0a 03 786673",
          //   access_mode = 3, LEN: tag 0x1a, len 2; mode = 1: 08 01
          "1a 02 08 01",
          // secrets = 5 (map entry), LEN: tag 0x2a, len 6: "k" -> "v"
          "2a 06 0a 01 6b 12 01 76",
          // volume_context = 6 (map entry), LEN: tag 0x32, len 6: "a" -> "b"
          "32 06 0a 01 61 12 01 62");

      assertWire(request, expected);
    }

    @Test
    void createVolumeResponseWithAccessibleTopology() throws Exception {
      Csi.CreateVolumeResponse response = Csi.CreateVolumeResponse.newBuilder()
          .setVolume(Csi.Volume.newBuilder()
              .setCapacityBytes(1L << 30)
              .setVolumeId("vol-1")
              .addAccessibleTopology(Csi.Topology.newBuilder().putSegments("zone", "a")))
          .build();

      byte[] expected = hex(
          // volume = 1, LEN: tag 0x0a, len 26
          "0a 1a",
          //   capacity_bytes = 1, VARINT: tag 0x08, 2^30
          "08 8080808004",
          //   volume_id = 2, LEN: tag 0x12, len 5, "vol-1"
          "12 05 766f6c2d31",
          //   accessible_topology = 5 (repeated), LEN: tag (5<<3)|2 = 0x2a, len 11
          "2a 0b",
          //     segments = 1 (map entry), LEN: tag 0x0a, len 9: "zone" -> "a"
          "0a 09 0a 04 7a6f6e65 12 01 61");

      assertWire(response, expected);
    }

    @Test
    void nodeGetInfoResponse() throws Exception {
      Csi.NodeGetInfoResponse response = Csi.NodeGetInfoResponse.newBuilder()
          .setNodeId("node-a")
          .setMaxVolumesPerNode(32)
          .setAccessibleTopology(Csi.Topology.newBuilder().putSegments("zone", "a"))
          .build();

      byte[] expected = hex(
          // node_id = 1, LEN: tag 0x0a, len 6, "node-a"
          "0a 06 6e6f64652d61",
          // max_volumes_per_node = 2, VARINT (int64): tag (2<<3)|0 = 0x10, 32 = 0x20
          "10 20",
          // accessible_topology = 3, LEN: tag 0x1a, len 11
          "1a 0b",
          //   segments = 1 (map entry), LEN: tag 0x0a, len 9: "zone" -> "a"
          "0a 09 0a 04 7a6f6e65 12 01 61");

      assertWire(response, expected);
    }

    @Test
    void listVolumesResponseWithPublishedNodeIds() throws Exception {
      Csi.ListVolumesResponse response = Csi.ListVolumesResponse.newBuilder()
          .addEntries(Csi.ListVolumesResponse.Entry.newBuilder()
              .setVolume(Csi.Volume.newBuilder().setVolumeId("vol-1"))
              .setStatus(Csi.ListVolumesResponse.VolumeStatus.newBuilder()
                  .addPublishedNodeIds("node-a")
                  .addPublishedNodeIds("node-b")))
          .setNextToken("t2")
          .build();

      byte[] expected = hex(
          // entries = 1 (repeated), LEN: tag 0x0a, len 27
          "0a 1b",
          //   volume = 1, LEN: tag 0x0a, len 7
          "0a 07",
          //     volume_id = 2, LEN: tag 0x12, len 5, "vol-1"
          "12 05 766f6c2d31",
          //   status = 2, LEN: tag 0x12, len 16
          "12 10",
          //     published_node_ids = 1 (repeated string), LEN: tag 0x0a, "node-a" then "node-b"
          "0a 06 6e6f64652d61",
          "0a 06 6e6f64652d62",
          // next_token = 2, LEN: tag 0x12, len 2, "t2"
          "12 02 7432");

      assertWire(response, expected);
    }

    @Test
    void getPluginCapabilitiesResponse() throws Exception {
      Csi.GetPluginCapabilitiesResponse response = Csi.GetPluginCapabilitiesResponse.newBuilder()
          .addCapabilities(Csi.PluginCapability.newBuilder()
              .setService(Csi.PluginCapability.Service.newBuilder()
                  .setType(Csi.PluginCapability.Service.Type.CONTROLLER_SERVICE)))
          .addCapabilities(Csi.PluginCapability.newBuilder()
              .setService(Csi.PluginCapability.Service.newBuilder()
                  .setType(Csi.PluginCapability.Service.Type.VOLUME_ACCESSIBILITY_CONSTRAINTS)))
          .addCapabilities(Csi.PluginCapability.newBuilder()
              .setVolumeExpansion(Csi.PluginCapability.VolumeExpansion.newBuilder()
                  .setType(Csi.PluginCapability.VolumeExpansion.Type.ONLINE)))
          .build();

      byte[] expected = hex(
          // capabilities = 1 (repeated), LEN: tag 0x0a, len 4
          "0a 04",
          //   service = 1 (oneof type), LEN: tag 0x0a, len 2; type = 1 VARINT: CONTROLLER_SERVICE=1
          "0a 02 08 01",
          // capabilities = 1, LEN: tag 0x0a, len 4
          "0a 04",
          //   service = 1, LEN; type = VOLUME_ACCESSIBILITY_CONSTRAINTS = 2
          "0a 02 08 02",
          // capabilities = 1, LEN: tag 0x0a, len 4
          "0a 04",
          //   volume_expansion = 2 (oneof type), LEN: tag 0x12, len 2; type = ONLINE = 1
          "12 02 08 01");

      assertWire(response, expected);
    }

    @Test
    void controllerModifyVolumeRequestKeepsSpecFieldName() throws Exception {
      Csi.ControllerModifyVolumeRequest request = Csi.ControllerModifyVolumeRequest.newBuilder()
          .setVolumeId("v")
          .putSecrets("k", "v")
          .putMutableParameters("iops", "5000")
          .build();

      byte[] expected = hex(
          // volume_id = 1, LEN: tag 0x0a, len 1, "v"
          "0a 01 76",
          // secrets = 2 (map entry), LEN: tag 0x12, len 6: "k" -> "v"
          "12 06 0a 01 6b 12 01 76",
          // mutable_parameters = 3 (map entry), LEN: tag 0x1a, len 12: "iops" -> "5000"
          "1a 0c 0a 04 696f7073 12 04 35303030");

      assertWire(request, expected);
    }

    @Test
    void validateVolumeCapabilitiesRenamedFieldsKeepSpecNumbers() throws Exception {
      Csi.ValidateVolumeCapabilitiesRequest request =
          Csi.ValidateVolumeCapabilitiesRequest.newBuilder()
              .setVolumeId("v")
              .putParameters("a", "b")
              .putMutableParams("c", "d")
              .build();
      assertWire(request, hex(
          // volume_id = 1, LEN: 0a 01 "v"
          "0a 01 76",
          // parameters = 4 (map entry), LEN: tag 0x22, len 6: "a" -> "b"
          "22 06 0a 01 61 12 01 62",
          // mutable_params (spec: mutable_parameters) = 6, LEN: tag (6<<3)|2 = 0x32, "c" -> "d"
          "32 06 0a 01 63 12 01 64"));

      Csi.ValidateVolumeCapabilitiesResponse response =
          Csi.ValidateVolumeCapabilitiesResponse.newBuilder()
              .setConfirmed(Csi.ValidateVolumeCapabilitiesResponse.Confirmed.newBuilder()
                  .putParameters("a", "b")
                  .putMutableParams("c", "d"))
              .setMessage("ok")
              .build();
      assertWire(response, hex(
          // confirmed = 1, LEN: tag 0x0a, len 16
          "0a 10",
          //   parameters = 3 (map entry), LEN: tag 0x1a, len 6: "a" -> "b"
          "1a 06 0a 01 61 12 01 62",
          //   mutable_params (spec: mutable_parameters) = 4, LEN: tag 0x22, "c" -> "d"
          "22 06 0a 01 63 12 01 64",
          // message = 2, LEN: tag 0x12, len 2, "ok"
          "12 02 6f6b"));
    }

    @Test
    void getMetadataDeltaResponse() throws Exception {
      Csi.GetMetadataDeltaResponse response = Csi.GetMetadataDeltaResponse.newBuilder()
          .setBlockMetadataType(Csi.BlockMetadataType.FIXED_LENGTH)
          .setVolumeCapacityBytes(1L << 30)
          .addBlockMetadata(Csi.BlockMetadata.newBuilder()
              .setByteOffset(4096)
              .setSizeBytes(4096))
          .build();

      byte[] expected = hex(
          // block_metadata_type = 1, VARINT: tag 0x08, FIXED_LENGTH = 1
          "08 01",
          // volume_capacity_bytes = 2, VARINT: tag 0x10, 2^30
          "10 8080808004",
          // block_metadata = 3 (repeated), LEN: tag 0x1a, len 6
          "1a 06",
          //   byte_offset = 1, VARINT: tag 0x08, 4096 = 80 20; size_bytes = 2: tag 0x10, 80 20
          "08 8020 10 8020");

      assertWire(response, expected);
    }

    @Test
    void bytesFromASpecBuiltPeerDecodeIntoOurRenamedField() throws Exception {
      // A peer built from the upstream proto writes field 8 as mutable_parameters; we must read
      // it into mutable_params and write it back unchanged.
      byte[] peer = hex("42 0c 0a 04 696f7073 12 04 35303030");
      Csi.CreateVolumeRequest decoded = Csi.CreateVolumeRequest.parseFrom(peer);
      assertThat(decoded.getMutableParamsMap()).containsExactly(Map.entry("iops", "5000"));
      assertThat(decoded.getParametersMap()).isEmpty();
      assertThat(ByteString.copyFrom(decoded.toByteArray())).isEqualTo(ByteString.copyFrom(peer));
    }
  }

  // -------------------------------------------------------------------------------------------
  // Descriptor checks
  // -------------------------------------------------------------------------------------------

  /**
   * Every message and field of CSI v1.12.0, one field per line: {@code Message number name type},
   * where type is a scalar, a message/enum name (relative to csi.v1), {@code repeated T},
   * {@code map<K,V>}, with {@code oneof:NAME} for oneof members. A line with only a message name
   * declares an empty message.
   */
  private static final String SPEC_FIELDS = """
      GetPluginInfoRequest
      GetPluginInfoResponse 1 name string
      GetPluginInfoResponse 2 vendor_version string
      GetPluginInfoResponse 3 manifest map<string,string>
      GetPluginCapabilitiesRequest
      GetPluginCapabilitiesResponse 1 capabilities repeated PluginCapability
      PluginCapability 1 service PluginCapability.Service oneof:type
      PluginCapability 2 volume_expansion PluginCapability.VolumeExpansion oneof:type
      PluginCapability.Service 1 type PluginCapability.Service.Type
      PluginCapability.VolumeExpansion 1 type PluginCapability.VolumeExpansion.Type
      ProbeRequest
      ProbeResponse 1 ready google.protobuf.BoolValue
      CreateVolumeRequest 1 name string
      CreateVolumeRequest 2 capacity_range CapacityRange
      CreateVolumeRequest 3 volume_capabilities repeated VolumeCapability
      CreateVolumeRequest 4 parameters map<string,string>
      CreateVolumeRequest 5 secrets map<string,string>
      CreateVolumeRequest 6 volume_content_source VolumeContentSource
      CreateVolumeRequest 7 accessibility_requirements TopologyRequirement
      CreateVolumeRequest 8 mutable_params map<string,string>
      VolumeContentSource 1 snapshot VolumeContentSource.SnapshotSource oneof:type
      VolumeContentSource 2 volume VolumeContentSource.VolumeSource oneof:type
      VolumeContentSource.SnapshotSource 1 snapshot_id string
      VolumeContentSource.VolumeSource 1 volume_id string
      CreateVolumeResponse 1 volume Volume
      VolumeCapability 1 block VolumeCapability.BlockVolume oneof:access_type
      VolumeCapability 2 mount VolumeCapability.MountVolume oneof:access_type
      VolumeCapability 3 access_mode VolumeCapability.AccessMode
      VolumeCapability.BlockVolume
      VolumeCapability.MountVolume 1 fs_type string
      VolumeCapability.MountVolume 2 mount_flags repeated string
      VolumeCapability.MountVolume 3 volume_mount_group string
      VolumeCapability.AccessMode 1 mode VolumeCapability.AccessMode.Mode
      CapacityRange 1 required_bytes int64
      CapacityRange 2 limit_bytes int64
      Volume 1 capacity_bytes int64
      Volume 2 volume_id string
      Volume 3 volume_context map<string,string>
      Volume 4 content_source VolumeContentSource
      Volume 5 accessible_topology repeated Topology
      TopologyRequirement 1 requisite repeated Topology
      TopologyRequirement 2 preferred repeated Topology
      Topology 1 segments map<string,string>
      DeleteVolumeRequest 1 volume_id string
      DeleteVolumeRequest 2 secrets map<string,string>
      DeleteVolumeResponse
      ControllerPublishVolumeRequest 1 volume_id string
      ControllerPublishVolumeRequest 2 node_id string
      ControllerPublishVolumeRequest 3 volume_capability VolumeCapability
      ControllerPublishVolumeRequest 4 readonly bool
      ControllerPublishVolumeRequest 5 secrets map<string,string>
      ControllerPublishVolumeRequest 6 volume_context map<string,string>
      ControllerPublishVolumeResponse 1 publish_context map<string,string>
      ControllerUnpublishVolumeRequest 1 volume_id string
      ControllerUnpublishVolumeRequest 2 node_id string
      ControllerUnpublishVolumeRequest 3 secrets map<string,string>
      ControllerUnpublishVolumeResponse
      ValidateVolumeCapabilitiesRequest 1 volume_id string
      ValidateVolumeCapabilitiesRequest 2 volume_context map<string,string>
      ValidateVolumeCapabilitiesRequest 3 volume_capabilities repeated VolumeCapability
      ValidateVolumeCapabilitiesRequest 4 parameters map<string,string>
      ValidateVolumeCapabilitiesRequest 5 secrets map<string,string>
      ValidateVolumeCapabilitiesRequest 6 mutable_params map<string,string>
      ValidateVolumeCapabilitiesResponse 1 confirmed ValidateVolumeCapabilitiesResponse.Confirmed
      ValidateVolumeCapabilitiesResponse 2 message string
      ValidateVolumeCapabilitiesResponse.Confirmed 1 volume_context map<string,string>
      ValidateVolumeCapabilitiesResponse.Confirmed 2 volume_capabilities repeated VolumeCapability
      ValidateVolumeCapabilitiesResponse.Confirmed 3 parameters map<string,string>
      ValidateVolumeCapabilitiesResponse.Confirmed 4 mutable_params map<string,string>
      ListVolumesRequest 1 max_entries int32
      ListVolumesRequest 2 starting_token string
      ListVolumesResponse 1 entries repeated ListVolumesResponse.Entry
      ListVolumesResponse 2 next_token string
      ListVolumesResponse.VolumeStatus 1 published_node_ids repeated string
      ListVolumesResponse.VolumeStatus 2 volume_condition VolumeCondition
      ListVolumesResponse.Entry 1 volume Volume
      ListVolumesResponse.Entry 2 status ListVolumesResponse.VolumeStatus
      ControllerGetVolumeRequest 1 volume_id string
      ControllerGetVolumeResponse 1 volume Volume
      ControllerGetVolumeResponse 2 status ControllerGetVolumeResponse.VolumeStatus
      ControllerGetVolumeResponse.VolumeStatus 1 published_node_ids repeated string
      ControllerGetVolumeResponse.VolumeStatus 2 volume_condition VolumeCondition
      ControllerModifyVolumeRequest 1 volume_id string
      ControllerModifyVolumeRequest 2 secrets map<string,string>
      ControllerModifyVolumeRequest 3 mutable_parameters map<string,string>
      ControllerModifyVolumeResponse
      GetCapacityRequest 1 volume_capabilities repeated VolumeCapability
      GetCapacityRequest 2 parameters map<string,string>
      GetCapacityRequest 3 accessible_topology Topology
      GetCapacityResponse 1 available_capacity int64
      GetCapacityResponse 2 maximum_volume_size google.protobuf.Int64Value
      GetCapacityResponse 3 minimum_volume_size google.protobuf.Int64Value
      ControllerGetCapabilitiesRequest
      ControllerGetCapabilitiesResponse 1 capabilities repeated ControllerServiceCapability
      ControllerServiceCapability 1 rpc ControllerServiceCapability.RPC oneof:type
      ControllerServiceCapability.RPC 1 type ControllerServiceCapability.RPC.Type
      CreateSnapshotRequest 1 source_volume_id string
      CreateSnapshotRequest 2 name string
      CreateSnapshotRequest 3 secrets map<string,string>
      CreateSnapshotRequest 4 parameters map<string,string>
      CreateSnapshotResponse 1 snapshot Snapshot
      Snapshot 1 size_bytes int64
      Snapshot 2 snapshot_id string
      Snapshot 3 source_volume_id string
      Snapshot 4 creation_time google.protobuf.Timestamp
      Snapshot 5 ready_to_use bool
      Snapshot 6 group_snapshot_id string
      DeleteSnapshotRequest 1 snapshot_id string
      DeleteSnapshotRequest 2 secrets map<string,string>
      DeleteSnapshotResponse
      ListSnapshotsRequest 1 max_entries int32
      ListSnapshotsRequest 2 starting_token string
      ListSnapshotsRequest 3 source_volume_id string
      ListSnapshotsRequest 4 snapshot_id string
      ListSnapshotsRequest 5 secrets map<string,string>
      ListSnapshotsResponse 1 entries repeated ListSnapshotsResponse.Entry
      ListSnapshotsResponse 2 next_token string
      ListSnapshotsResponse.Entry 1 snapshot Snapshot
      GetSnapshotRequest 1 snapshot_id string
      GetSnapshotRequest 2 secrets map<string,string>
      GetSnapshotResponse 1 snapshot Snapshot
      ControllerExpandVolumeRequest 1 volume_id string
      ControllerExpandVolumeRequest 2 capacity_range CapacityRange
      ControllerExpandVolumeRequest 3 secrets map<string,string>
      ControllerExpandVolumeRequest 4 volume_capability VolumeCapability
      ControllerExpandVolumeResponse 1 capacity_bytes int64
      ControllerExpandVolumeResponse 2 node_expansion_required bool
      NodeStageVolumeRequest 1 volume_id string
      NodeStageVolumeRequest 2 publish_context map<string,string>
      NodeStageVolumeRequest 3 staging_target_path string
      NodeStageVolumeRequest 4 volume_capability VolumeCapability
      NodeStageVolumeRequest 5 secrets map<string,string>
      NodeStageVolumeRequest 6 volume_context map<string,string>
      NodeStageVolumeResponse
      NodeUnstageVolumeRequest 1 volume_id string
      NodeUnstageVolumeRequest 2 staging_target_path string
      NodeUnstageVolumeResponse
      NodePublishVolumeRequest 1 volume_id string
      NodePublishVolumeRequest 2 publish_context map<string,string>
      NodePublishVolumeRequest 3 staging_target_path string
      NodePublishVolumeRequest 4 target_path string
      NodePublishVolumeRequest 5 volume_capability VolumeCapability
      NodePublishVolumeRequest 6 readonly bool
      NodePublishVolumeRequest 7 secrets map<string,string>
      NodePublishVolumeRequest 8 volume_context map<string,string>
      NodePublishVolumeResponse
      NodeUnpublishVolumeRequest 1 volume_id string
      NodeUnpublishVolumeRequest 2 target_path string
      NodeUnpublishVolumeResponse
      NodeGetVolumeStatsRequest 1 volume_id string
      NodeGetVolumeStatsRequest 2 volume_path string
      NodeGetVolumeStatsRequest 3 staging_target_path string
      NodeGetVolumeStatsResponse 1 usage repeated VolumeUsage
      NodeGetVolumeStatsResponse 2 volume_condition VolumeCondition
      VolumeUsage 1 available int64
      VolumeUsage 2 total int64
      VolumeUsage 3 used int64
      VolumeUsage 4 unit VolumeUsage.Unit
      VolumeCondition 1 abnormal bool
      VolumeCondition 2 message string
      NodeGetCapabilitiesRequest
      NodeGetCapabilitiesResponse 1 capabilities repeated NodeServiceCapability
      NodeServiceCapability 1 rpc NodeServiceCapability.RPC oneof:type
      NodeServiceCapability.RPC 1 type NodeServiceCapability.RPC.Type
      NodeGetInfoRequest
      NodeGetInfoResponse 1 node_id string
      NodeGetInfoResponse 2 max_volumes_per_node int64
      NodeGetInfoResponse 3 accessible_topology Topology
      NodeExpandVolumeRequest 1 volume_id string
      NodeExpandVolumeRequest 2 volume_path string
      NodeExpandVolumeRequest 3 capacity_range CapacityRange
      NodeExpandVolumeRequest 4 staging_target_path string
      NodeExpandVolumeRequest 5 volume_capability VolumeCapability
      NodeExpandVolumeRequest 6 secrets map<string,string>
      NodeExpandVolumeResponse 1 capacity_bytes int64
      GroupControllerGetCapabilitiesRequest
      GroupControllerGetCapabilitiesResponse 1 capabilities repeated GroupControllerServiceCapability
      GroupControllerServiceCapability 1 rpc GroupControllerServiceCapability.RPC oneof:type
      GroupControllerServiceCapability.RPC 1 type GroupControllerServiceCapability.RPC.Type
      CreateVolumeGroupSnapshotRequest 1 name string
      CreateVolumeGroupSnapshotRequest 2 source_volume_ids repeated string
      CreateVolumeGroupSnapshotRequest 3 secrets map<string,string>
      CreateVolumeGroupSnapshotRequest 4 parameters map<string,string>
      CreateVolumeGroupSnapshotResponse 1 group_snapshot VolumeGroupSnapshot
      VolumeGroupSnapshot 1 group_snapshot_id string
      VolumeGroupSnapshot 2 snapshots repeated Snapshot
      VolumeGroupSnapshot 3 creation_time google.protobuf.Timestamp
      VolumeGroupSnapshot 4 ready_to_use bool
      DeleteVolumeGroupSnapshotRequest 1 group_snapshot_id string
      DeleteVolumeGroupSnapshotRequest 2 snapshot_ids repeated string
      DeleteVolumeGroupSnapshotRequest 3 secrets map<string,string>
      DeleteVolumeGroupSnapshotResponse
      GetVolumeGroupSnapshotRequest 1 group_snapshot_id string
      GetVolumeGroupSnapshotRequest 2 snapshot_ids repeated string
      GetVolumeGroupSnapshotRequest 3 secrets map<string,string>
      GetVolumeGroupSnapshotResponse 1 group_snapshot VolumeGroupSnapshot
      BlockMetadata 1 byte_offset int64
      BlockMetadata 2 size_bytes int64
      GetMetadataAllocatedRequest 1 snapshot_id string
      GetMetadataAllocatedRequest 2 starting_offset int64
      GetMetadataAllocatedRequest 3 max_results int32
      GetMetadataAllocatedRequest 4 secrets map<string,string>
      GetMetadataAllocatedResponse 1 block_metadata_type BlockMetadataType
      GetMetadataAllocatedResponse 2 volume_capacity_bytes int64
      GetMetadataAllocatedResponse 3 block_metadata repeated BlockMetadata
      GetMetadataDeltaRequest 1 base_snapshot_id string
      GetMetadataDeltaRequest 2 target_snapshot_id string
      GetMetadataDeltaRequest 3 starting_offset int64
      GetMetadataDeltaRequest 4 max_results int32
      GetMetadataDeltaRequest 5 secrets map<string,string>
      GetMetadataDeltaResponse 1 block_metadata_type BlockMetadataType
      GetMetadataDeltaResponse 2 volume_capacity_bytes int64
      GetMetadataDeltaResponse 3 block_metadata repeated BlockMetadata
      """;

  /** All messages reachable from the file, nested ones as Outer.Inner, map entries skipped. */
  private static List<Descriptor> allMessages() {
    List<Descriptor> out = new ArrayList<>();
    Consumer<Descriptor> walk = new Consumer<>() {
      @Override
      public void accept(Descriptor d) {
        if (d.getOptions().getMapEntry()) {
          return;
        }
        out.add(d);
        d.getNestedTypes().forEach(this);
      }
    };
    FILE.getMessageTypes().forEach(walk);
    return out;
  }

  private static List<EnumDescriptor> allEnums() {
    List<EnumDescriptor> out = new ArrayList<>(FILE.getEnumTypes());
    for (Descriptor d : allMessages()) {
      out.addAll(d.getEnumTypes());
    }
    return out;
  }

  private static String rel(String fullName) {
    return fullName.startsWith("csi.v1.") ? fullName.substring("csi.v1.".length()) : fullName;
  }

  private static String typeOf(FieldDescriptor f) {
    return switch (f.getJavaType()) {
      case MESSAGE -> rel(f.getMessageType().getFullName());
      case ENUM -> rel(f.getEnumType().getFullName());
      default -> f.getType().name().toLowerCase(java.util.Locale.ROOT);
    };
  }

  private static String render(FieldDescriptor f) {
    String type;
    if (f.isMapField()) {
      Descriptor entry = f.getMessageType();
      type = "map<" + typeOf(entry.findFieldByNumber(1)) + "," + typeOf(entry.findFieldByNumber(2))
          + ">";
    } else {
      type = (f.isRepeated() ? "repeated " : "") + typeOf(f);
    }
    String line = rel(f.getContainingType().getFullName()) + " " + f.getNumber() + " "
        + f.getName() + " " + type;
    if (f.getRealContainingOneof() != null) {
      line += " oneof:" + f.getRealContainingOneof().getName();
    }
    return line;
  }

  private static List<String> specLines() {
    return SPEC_FIELDS.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
  }

  @Nested
  class Fields {

    @Test
    void everyMessageOfTheSpecExistsAndNothingElse() {
      Set<String> expected = new TreeSet<>();
      specLines().forEach(l -> expected.add(l.split(" ")[0]));
      Set<String> actual = new TreeSet<>();
      allMessages().forEach(d -> actual.add(rel(d.getFullName())));
      assertThat(actual).containsExactlyElementsOf(expected);
      assertThat(FILE.getMessageTypes()).hasSize(79);
    }

    @Test
    void everyFieldHasTheSpecNumberNameTypeAndOneof() {
      List<String> expected = new ArrayList<>();
      specLines().stream().filter(l -> l.contains(" ")).forEach(expected::add);
      List<String> actual = new ArrayList<>();
      for (Descriptor d : allMessages()) {
        d.getFields().forEach(f -> actual.add(render(f)));
      }
      assertThat(new TreeSet<>(actual)).containsExactlyElementsOf(new TreeSet<>(expected));
      assertThat(actual).hasSameSizeAs(expected);
    }

    @Test
    void spotCheckTriplesFromTheSpec() {
      // (message, field, number) straight from the spec text; a second, independent look-up path
      // through findFieldByName.
      Object[][] triples = {
          {"CreateVolumeRequest", "name", 1},
          {"CreateVolumeRequest", "capacity_range", 2},
          {"CreateVolumeRequest", "volume_capabilities", 3},
          {"CreateVolumeRequest", "parameters", 4},
          {"CreateVolumeRequest", "secrets", 5},
          {"CreateVolumeRequest", "volume_content_source", 6},
          {"CreateVolumeRequest", "accessibility_requirements", 7},
          {"CreateVolumeRequest", "mutable_params", 8},
          {"Volume", "accessible_topology", 5},
          {"ControllerPublishVolumeRequest", "readonly", 4},
          {"ControllerPublishVolumeRequest", "volume_context", 6},
          {"ControllerPublishVolumeResponse", "publish_context", 1},
          {"ValidateVolumeCapabilitiesRequest", "mutable_params", 6},
          {"ValidateVolumeCapabilitiesResponse.Confirmed", "mutable_params", 4},
          {"ControllerModifyVolumeRequest", "mutable_parameters", 3},
          {"ListVolumesResponse.VolumeStatus", "published_node_ids", 1},
          {"GetCapacityResponse", "minimum_volume_size", 3},
          {"Snapshot", "group_snapshot_id", 6},
          {"ListSnapshotsRequest", "secrets", 5},
          {"NodeStageVolumeRequest", "staging_target_path", 3},
          {"NodeStageVolumeRequest", "volume_capability", 4},
          {"NodePublishVolumeRequest", "target_path", 4},
          {"NodePublishVolumeRequest", "secrets", 7},
          {"NodePublishVolumeRequest", "volume_context", 8},
          {"NodeGetInfoResponse", "max_volumes_per_node", 2},
          {"NodeExpandVolumeRequest", "secrets", 6},
          {"VolumeCapability.MountVolume", "volume_mount_group", 3},
          {"GetMetadataDeltaRequest", "max_results", 4},
      };
      for (Object[] t : triples) {
        Descriptor d = FILE.findMessageTypeByName(((String) t[0]).split("\\.")[0]);
        for (String part : ((String) t[0]).split("\\.")) {
          if (!part.equals(d.getName())) {
            d = d.findNestedTypeByName(part);
          }
        }
        FieldDescriptor f = d.findFieldByName((String) t[1]);
        assertThat(f).as("%s.%s", t[0], t[1]).isNotNull();
        assertThat(f.getNumber()).as("%s.%s", t[0], t[1]).isEqualTo(t[2]);
      }
    }

    @Test
    void renamedFieldsOnlyWhereParametersWouldCollide() {
      for (String name : List.of("CreateVolumeRequest", "ValidateVolumeCapabilitiesRequest",
          "ValidateVolumeCapabilitiesResponse.Confirmed")) {
        Descriptor d = allMessages().stream()
            .filter(m -> rel(m.getFullName()).equals(name)).findFirst().orElseThrow();
        assertThat(d.findFieldByName("mutable_parameters")).as(name).isNull();
        assertThat(d.findFieldByName("mutable_params")).as(name).isNotNull();
        assertThat(d.findFieldByName("parameters")).as(name).isNotNull();
      }
      List<String> others = allMessages().stream()
          .filter(d -> d.findFieldByName("mutable_params") != null)
          .map(d -> rel(d.getFullName())).toList();
      assertThat(others).containsExactlyInAnyOrder("CreateVolumeRequest",
          "ValidateVolumeCapabilitiesRequest", "ValidateVolumeCapabilitiesResponse.Confirmed");
    }

    @Test
    void noReservedRangesOrNamesInV112() {
      for (Descriptor d : allMessages()) {
        assertThat(d.toProto().getReservedRangeList()).as(d.getFullName()).isEmpty();
        assertThat(d.toProto().getReservedNameList()).as(d.getFullName()).isEmpty();
      }
    }
  }

  @Nested
  class Options {

    @Test
    void extensionsHaveSpecNumbersAndTargets() {
      Map<String, String> actual = new LinkedHashMap<>();
      for (FieldDescriptor ext : FILE.getExtensions()) {
        actual.put(ext.getName(), ext.getContainingType().getFullName() + "#" + ext.getNumber()
            + ":" + ext.getType().name());
      }
      assertThat(actual).containsExactlyInAnyOrderEntriesOf(Map.of(
          "alpha_enum", "google.protobuf.EnumOptions#1060:BOOL",
          "alpha_enum_value", "google.protobuf.EnumValueOptions#1060:BOOL",
          "csi_secret", "google.protobuf.FieldOptions#1059:BOOL",
          "alpha_field", "google.protobuf.FieldOptions#1060:BOOL",
          "alpha_message", "google.protobuf.MessageOptions#1060:BOOL",
          "alpha_method", "google.protobuf.MethodOptions#1060:BOOL",
          "alpha_service", "google.protobuf.ServiceOptions#1060:BOOL"));
      assertThat(Csi.csiSecret.getNumber()).isEqualTo(1059);
      assertThat(Csi.alphaField.getNumber()).isEqualTo(1060);
    }

    private Set<String> fieldsWith(GeneratedExtension<FieldOptions, Boolean> ext) {
      Set<String> out = new TreeSet<>();
      for (Descriptor d : allMessages()) {
        for (FieldDescriptor f : d.getFields()) {
          if (f.getOptions().getExtension(ext)) {
            out.add(rel(d.getFullName()) + "." + f.getName());
          }
        }
      }
      return out;
    }

    @Test
    void csiSecretIsOnExactlyTheSpecSecretsFields() {
      assertThat(fieldsWith(Csi.csiSecret)).containsExactlyInAnyOrder(
          "CreateVolumeRequest.secrets",
          "DeleteVolumeRequest.secrets",
          "ControllerPublishVolumeRequest.secrets",
          "ControllerUnpublishVolumeRequest.secrets",
          "ValidateVolumeCapabilitiesRequest.secrets",
          "ControllerModifyVolumeRequest.secrets",
          "CreateSnapshotRequest.secrets",
          "DeleteSnapshotRequest.secrets",
          "ListSnapshotsRequest.secrets",
          "GetSnapshotRequest.secrets",
          "ControllerExpandVolumeRequest.secrets",
          "NodeStageVolumeRequest.secrets",
          "NodePublishVolumeRequest.secrets",
          "NodeExpandVolumeRequest.secrets",
          "CreateVolumeGroupSnapshotRequest.secrets",
          "DeleteVolumeGroupSnapshotRequest.secrets",
          "GetVolumeGroupSnapshotRequest.secrets",
          "GetMetadataAllocatedRequest.secrets",
          "GetMetadataDeltaRequest.secrets");
    }

    @Test
    void alphaFieldMarkers() {
      assertThat(fieldsWith(Csi.alphaField)).containsExactlyInAnyOrder(
          "ListVolumesResponse.VolumeStatus.volume_condition",
          "GetCapacityResponse.minimum_volume_size",
          "NodeGetVolumeStatsResponse.volume_condition",
          "NodeExpandVolumeRequest.secrets");
    }

    @Test
    void alphaMessageMarkers() {
      Set<String> actual = new TreeSet<>();
      for (Descriptor d : allMessages()) {
        if (d.getOptions().getExtension(Csi.alphaMessage)) {
          actual.add(rel(d.getFullName()));
        }
      }
      assertThat(actual).containsExactlyInAnyOrder(
          "ControllerGetVolumeRequest",
          "ControllerGetVolumeResponse",
          "GetSnapshotRequest",
          "GetSnapshotResponse",
          "VolumeCondition");
    }

    @Test
    void alphaEnumAndEnumValueMarkers() {
      Set<String> enums = new TreeSet<>();
      Set<String> values = new TreeSet<>();
      for (EnumDescriptor e : allEnums()) {
        if (e.getOptions().getExtension(Csi.alphaEnum)) {
          enums.add(rel(e.getFullName()));
        }
        for (EnumValueDescriptor v : e.getValues()) {
          if (v.getOptions().getExtension(Csi.alphaEnumValue)) {
            values.add(rel(e.getFullName()) + "." + v.getName());
          }
        }
      }
      assertThat(enums).isEmpty();
      assertThat(values).containsExactlyInAnyOrder(
          "PluginCapability.Service.Type.SNAPSHOT_METADATA_SERVICE",
          "VolumeCapability.AccessMode.Mode.SINGLE_NODE_SINGLE_WRITER",
          "VolumeCapability.AccessMode.Mode.SINGLE_NODE_MULTI_WRITER",
          "ControllerServiceCapability.RPC.Type.VOLUME_CONDITION",
          "ControllerServiceCapability.RPC.Type.GET_VOLUME",
          "ControllerServiceCapability.RPC.Type.SINGLE_NODE_MULTI_WRITER",
          "ControllerServiceCapability.RPC.Type.GET_SNAPSHOT",
          "NodeServiceCapability.RPC.Type.VOLUME_CONDITION",
          "NodeServiceCapability.RPC.Type.SINGLE_NODE_MULTI_WRITER");
    }

    @Test
    void alphaMethodAndServiceMarkers() {
      Set<String> methods = new TreeSet<>();
      Set<String> services = new TreeSet<>();
      for (ServiceDescriptor s : FILE.getServices()) {
        if (s.getOptions().getExtension(Csi.alphaService)) {
          services.add(s.getName());
        }
        for (MethodDescriptor m : s.getMethods()) {
          if (m.getOptions().getExtension(Csi.alphaMethod)) {
            methods.add(s.getName() + "." + m.getName());
          }
        }
      }
      assertThat(services).containsExactly("SnapshotMetadata");
      assertThat(methods).containsExactlyInAnyOrder(
          "Controller.GetSnapshot", "Controller.ControllerGetVolume");
    }

    @Test
    void fileLevelFacts() {
      assertThat(FILE.getPackage()).isEqualTo("csi.v1");
      assertThat(FILE.toProto().getSyntax()).isEqualTo("proto3");
      assertThat(FILE.getDependencies()).extracting(FileDescriptor::getName).containsExactly(
          "google/protobuf/descriptor.proto",
          "google/protobuf/timestamp.proto",
          "google/protobuf/wrappers.proto");
      FileOptions options = FILE.getOptions();
      assertThat(options.getGoPackage())
          .isEqualTo("github.com/container-storage-interface/spec/lib/go/csi");
      assertThat(options.hasJavaPackage()).isFalse();
      assertThat(options.hasJavaOuterClassname()).isFalse();
      assertThat(options.hasJavaMultipleFiles()).isFalse();
    }
  }

  @Nested
  class Services {

    private static final Map<String, List<String>> EXPECTED = new LinkedHashMap<>();

    static {
      EXPECTED.put("Identity", List.of(
          "GetPluginInfo(GetPluginInfoRequest) returns (GetPluginInfoResponse)",
          "GetPluginCapabilities(GetPluginCapabilitiesRequest)"
              + " returns (GetPluginCapabilitiesResponse)",
          "Probe(ProbeRequest) returns (ProbeResponse)"));
      EXPECTED.put("Controller", List.of(
          "CreateVolume(CreateVolumeRequest) returns (CreateVolumeResponse)",
          "DeleteVolume(DeleteVolumeRequest) returns (DeleteVolumeResponse)",
          "ControllerPublishVolume(ControllerPublishVolumeRequest)"
              + " returns (ControllerPublishVolumeResponse)",
          "ControllerUnpublishVolume(ControllerUnpublishVolumeRequest)"
              + " returns (ControllerUnpublishVolumeResponse)",
          "ValidateVolumeCapabilities(ValidateVolumeCapabilitiesRequest)"
              + " returns (ValidateVolumeCapabilitiesResponse)",
          "ListVolumes(ListVolumesRequest) returns (ListVolumesResponse)",
          "GetCapacity(GetCapacityRequest) returns (GetCapacityResponse)",
          "ControllerGetCapabilities(ControllerGetCapabilitiesRequest)"
              + " returns (ControllerGetCapabilitiesResponse)",
          "CreateSnapshot(CreateSnapshotRequest) returns (CreateSnapshotResponse)",
          "DeleteSnapshot(DeleteSnapshotRequest) returns (DeleteSnapshotResponse)",
          "ListSnapshots(ListSnapshotsRequest) returns (ListSnapshotsResponse)",
          "GetSnapshot(GetSnapshotRequest) returns (GetSnapshotResponse)",
          "ControllerExpandVolume(ControllerExpandVolumeRequest)"
              + " returns (ControllerExpandVolumeResponse)",
          "ControllerGetVolume(ControllerGetVolumeRequest) returns (ControllerGetVolumeResponse)",
          "ControllerModifyVolume(ControllerModifyVolumeRequest)"
              + " returns (ControllerModifyVolumeResponse)"));
      EXPECTED.put("GroupController", List.of(
          "GroupControllerGetCapabilities(GroupControllerGetCapabilitiesRequest)"
              + " returns (GroupControllerGetCapabilitiesResponse)",
          "CreateVolumeGroupSnapshot(CreateVolumeGroupSnapshotRequest)"
              + " returns (CreateVolumeGroupSnapshotResponse)",
          "DeleteVolumeGroupSnapshot(DeleteVolumeGroupSnapshotRequest)"
              + " returns (DeleteVolumeGroupSnapshotResponse)",
          "GetVolumeGroupSnapshot(GetVolumeGroupSnapshotRequest)"
              + " returns (GetVolumeGroupSnapshotResponse)"));
      EXPECTED.put("SnapshotMetadata", List.of(
          "GetMetadataAllocated(GetMetadataAllocatedRequest)"
              + " returns (stream GetMetadataAllocatedResponse)",
          "GetMetadataDelta(GetMetadataDeltaRequest) returns (stream GetMetadataDeltaResponse)"));
      EXPECTED.put("Node", List.of(
          "NodeStageVolume(NodeStageVolumeRequest) returns (NodeStageVolumeResponse)",
          "NodeUnstageVolume(NodeUnstageVolumeRequest) returns (NodeUnstageVolumeResponse)",
          "NodePublishVolume(NodePublishVolumeRequest) returns (NodePublishVolumeResponse)",
          "NodeUnpublishVolume(NodeUnpublishVolumeRequest) returns (NodeUnpublishVolumeResponse)",
          "NodeGetVolumeStats(NodeGetVolumeStatsRequest) returns (NodeGetVolumeStatsResponse)",
          "NodeExpandVolume(NodeExpandVolumeRequest) returns (NodeExpandVolumeResponse)",
          "NodeGetCapabilities(NodeGetCapabilitiesRequest) returns (NodeGetCapabilitiesResponse)",
          "NodeGetInfo(NodeGetInfoRequest) returns (NodeGetInfoResponse)"));
    }

    private static String render(MethodDescriptor m) {
      return m.getName() + "(" + (m.isClientStreaming() ? "stream " : "")
          + rel(m.getInputType().getFullName()) + ") returns ("
          + (m.isServerStreaming() ? "stream " : "") + rel(m.getOutputType().getFullName()) + ")";
    }

    @Test
    void servicesMethodsTypesAndStreamingMatchTheSpec() {
      Map<String, List<String>> actual = new LinkedHashMap<>();
      for (ServiceDescriptor s : FILE.getServices()) {
        actual.put(s.getName(), s.getMethods().stream().map(Services::render).toList());
      }
      assertThat(actual).containsExactlyEntriesOf(EXPECTED);
      int rpcs = actual.values().stream().mapToInt(List::size).sum();
      assertThat(rpcs).isEqualTo(32);
    }

    @Test
    void grpcStubsUseTheSpecMethodPaths() {
      // The HTTP/2 path is what crosses the wire: /csi.v1.<Service>/<Method>.
      assertThat(IdentityGrpc.getProbeMethod().getFullMethodName())
          .isEqualTo("csi.v1.Identity/Probe");
      assertThat(ControllerGrpc.getCreateVolumeMethod().getFullMethodName())
          .isEqualTo("csi.v1.Controller/CreateVolume");
      assertThat(NodeGrpc.getNodeStageVolumeMethod().getFullMethodName())
          .isEqualTo("csi.v1.Node/NodeStageVolume");
      assertThat(GroupControllerGrpc.getCreateVolumeGroupSnapshotMethod().getFullMethodName())
          .isEqualTo("csi.v1.GroupController/CreateVolumeGroupSnapshot");
      assertThat(SnapshotMetadataGrpc.getGetMetadataDeltaMethod().getFullMethodName())
          .isEqualTo("csi.v1.SnapshotMetadata/GetMetadataDelta");
      assertThat(SnapshotMetadataGrpc.getGetMetadataAllocatedMethod().getType())
          .isEqualTo(io.grpc.MethodDescriptor.MethodType.SERVER_STREAMING);
      assertThat(ControllerGrpc.getControllerModifyVolumeMethod().getType())
          .isEqualTo(io.grpc.MethodDescriptor.MethodType.UNARY);
    }
  }

  @Nested
  class Enums {

    private static Map<String, Integer> values(EnumDescriptor e) {
      Map<String, Integer> out = new LinkedHashMap<>();
      e.getValues().forEach(v -> out.put(v.getName(), v.getNumber()));
      return out;
    }

    private static Map<String, Integer> ordered(Object... nameNumber) {
      Map<String, Integer> out = new LinkedHashMap<>();
      for (int i = 0; i < nameNumber.length; i += 2) {
        out.put((String) nameNumber[i], (Integer) nameNumber[i + 1]);
      }
      return out;
    }

    @Test
    void everyEnumHasTheSpecValuesAndNumbers() {
      Map<String, Map<String, Integer>> expected = new LinkedHashMap<>();
      expected.put("PluginCapability.Service.Type", ordered(
          "UNKNOWN", 0, "CONTROLLER_SERVICE", 1, "VOLUME_ACCESSIBILITY_CONSTRAINTS", 2,
          "GROUP_CONTROLLER_SERVICE", 3, "SNAPSHOT_METADATA_SERVICE", 4));
      expected.put("PluginCapability.VolumeExpansion.Type", ordered(
          "UNKNOWN", 0, "ONLINE", 1, "OFFLINE", 2));
      expected.put("VolumeCapability.AccessMode.Mode", ordered(
          "UNKNOWN", 0, "SINGLE_NODE_WRITER", 1, "SINGLE_NODE_READER_ONLY", 2,
          "MULTI_NODE_READER_ONLY", 3, "MULTI_NODE_SINGLE_WRITER", 4,
          "MULTI_NODE_MULTI_WRITER", 5, "SINGLE_NODE_SINGLE_WRITER", 6,
          "SINGLE_NODE_MULTI_WRITER", 7));
      expected.put("ControllerServiceCapability.RPC.Type", ordered(
          "UNKNOWN", 0, "CREATE_DELETE_VOLUME", 1, "PUBLISH_UNPUBLISH_VOLUME", 2,
          "LIST_VOLUMES", 3, "GET_CAPACITY", 4, "CREATE_DELETE_SNAPSHOT", 5,
          "LIST_SNAPSHOTS", 6, "CLONE_VOLUME", 7, "PUBLISH_READONLY", 8, "EXPAND_VOLUME", 9,
          "LIST_VOLUMES_PUBLISHED_NODES", 10, "VOLUME_CONDITION", 11, "GET_VOLUME", 12,
          "SINGLE_NODE_MULTI_WRITER", 13, "MODIFY_VOLUME", 14, "GET_SNAPSHOT", 15));
      expected.put("VolumeUsage.Unit", ordered("UNKNOWN", 0, "BYTES", 1, "INODES", 2));
      expected.put("NodeServiceCapability.RPC.Type", ordered(
          "UNKNOWN", 0, "STAGE_UNSTAGE_VOLUME", 1, "GET_VOLUME_STATS", 2, "EXPAND_VOLUME", 3,
          "VOLUME_CONDITION", 4, "SINGLE_NODE_MULTI_WRITER", 5, "VOLUME_MOUNT_GROUP", 6));
      expected.put("GroupControllerServiceCapability.RPC.Type", ordered(
          "UNKNOWN", 0, "CREATE_DELETE_GET_VOLUME_GROUP_SNAPSHOT", 1));
      expected.put("BlockMetadataType", ordered(
          "UNKNOWN", 0, "FIXED_LENGTH", 1, "VARIABLE_LENGTH", 2));

      Map<String, Map<String, Integer>> actual = new LinkedHashMap<>();
      allEnums().forEach(e -> actual.put(rel(e.getFullName()), values(e)));
      assertThat(actual).containsOnlyKeys(expected.keySet());
      expected.forEach((name, vals) ->
          assertThat(actual.get(name)).as(name).containsExactlyEntriesOf(vals));
    }

    @Test
    void generatedEnumConstantsCarryTheSpecNumbers() {
      assertThat(Csi.VolumeCapability.AccessMode.Mode.MULTI_NODE_MULTI_WRITER.getNumber())
          .isEqualTo(5);
      assertThat(Csi.ControllerServiceCapability.RPC.Type.MODIFY_VOLUME.getNumber())
          .isEqualTo(14);
      assertThat(Csi.NodeServiceCapability.RPC.Type.STAGE_UNSTAGE_VOLUME.getNumber())
          .isEqualTo(1);
      assertThat(Csi.PluginCapability.Service.Type.GROUP_CONTROLLER_SERVICE.getNumber())
          .isEqualTo(3);
      assertThat(Csi.PluginCapability.VolumeExpansion.Type.OFFLINE.getNumber()).isEqualTo(2);
      assertThat(Csi.GroupControllerServiceCapability.RPC.Type
          .CREATE_DELETE_GET_VOLUME_GROUP_SNAPSHOT.getNumber()).isEqualTo(1);
    }
  }
}
