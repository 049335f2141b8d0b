package dev.jmdm.server.dep;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A device as the DEP API's {@code /server/devices} and {@code /devices/sync} describe it. Times are Apple's ISO-8601
 * strings; op_type (sync only) is added, modified, deleted or removed (older API: the device left this server).
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record DepDevice(
        @JsonProperty("serial_number") String serialNumber,
        @JsonProperty("model") String model,
        @JsonProperty("description") String description,
        @JsonProperty("color") String color,
        @JsonProperty("asset_tag") String assetTag,
        @JsonProperty("profile_status") String profileStatus,
        @JsonProperty("profile_uuid") String profileUuid,
        @JsonProperty("device_assigned_date") String deviceAssignedDate,
        @JsonProperty("device_assigned_by") String deviceAssignedBy,
        @JsonProperty("os") String os,
        @JsonProperty("device_family") String deviceFamily,
        @JsonProperty("op_type") String opType,
        @JsonProperty("op_date") String opDate) {

    /** Whether this entry says the device left this server (disowned in ABM, moved to another server, or deleted). */
    public boolean gone() {
        return opType != null && (opType.equalsIgnoreCase("deleted") || opType.equalsIgnoreCase("removed"));
    }
}
