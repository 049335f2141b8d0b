package dev.jmdm.server.hosts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.dd.plist.NSArray;
import com.dd.plist.NSData;
import com.dd.plist.NSDictionary;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jmdm.server.http.HttpError;
import dev.jmdm.server.plist.PlistCodec;
import dev.jmdm.server.protocol.Command;
import dev.jmdm.server.protocol.Messages;
import org.junit.jupiter.api.Test;

class CommandBuilderTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static Command build(String json) throws Exception {
        return CommandBuilder.fromJson(JSON.readTree(json));
    }

    private static NSDictionary commandDict(Command c) {
        return (NSDictionary) PlistCodec.parseDictionary(c.raw()).get("Command");
    }

    @Test
    void deviceInformationWithQueriesIsAValidCommandPlist() throws Exception {
        Command c = build("{\"request_type\": \"DeviceInformation\", \"queries\": [\"SerialNumber\", \"OSVersion\"], \"hosts\": [\"x\"]}");
        Command parsed = Messages.command(c.raw());
        assertThat(parsed.commandUuid()).isEqualTo(c.commandUuid());
        assertThat(parsed.requestType()).isEqualTo("DeviceInformation");
        NSArray queries = (NSArray) commandDict(c).get("Queries");
        assertThat(queries.getArray()).extracting(Object::toString).containsExactly("SerialNumber", "OSVersion");
    }

    @Test
    void appleKeyNamesWorkToo() throws Exception {
        Command c = build("{\"request_type\": \"ProfileList\", \"ManagedOnly\": true, \"command_uuid\": \"my-uuid-1\"}");
        assertThat(c.commandUuid()).isEqualTo("my-uuid-1");
        assertThat(commandDict(c).get("ManagedOnly").toJavaObject()).isEqualTo(true);
    }

    @Test
    void unknownRequestTypeIsRefusedByName() {
        assertThatThrownBy(() -> build("{\"request_type\": \"MakeCoffee\"}"))
                .isInstanceOf(HttpError.class).hasMessageContaining("unknown request_type 'MakeCoffee'")
                .satisfies(e -> assertThat(((HttpError) e).status()).isEqualTo(400));
        assertThatThrownBy(() -> build("{\"queries\": []}")).hasMessageContaining("request_type is required");
    }

    @Test
    void unknownFieldsAreRefusedByName() {
        assertThatThrownBy(() -> build("{\"request_type\": \"ProfileList\", \"managed_only\": true, \"colour\": \"red\", \"size\": 3}"))
                .isInstanceOf(HttpError.class).hasMessageContaining("colour, size").hasMessageContaining("allowed: managed_only");
        assertThatThrownBy(() -> build("{\"request_type\": \"SecurityInfo\", \"queries\": []}"))
                .hasMessageContaining("queries").hasMessageContaining("takes no fields");
    }

    @Test
    void unknownQueriesAndWrongTypesAreRefused() {
        assertThatThrownBy(() -> build("{\"request_type\": \"DeviceInformation\", \"queries\": [\"SerialNumber\", \"ShoeSize\"]}"))
                .hasMessageContaining("unknown value(s) for DeviceInformation.Queries: ShoeSize");
        assertThatThrownBy(() -> build("{\"request_type\": \"DeviceInformation\", \"queries\": \"SerialNumber\"}"))
                .hasMessageContaining("must be an array of strings");
        assertThatThrownBy(() -> build("{\"request_type\": \"ProfileList\", \"managed_only\": \"yes\"}"))
                .hasMessageContaining("ProfileList.ManagedOnly must be true or false");
    }

    @Test
    void requiredKeysAreRequired() {
        assertThatThrownBy(() -> build("{\"request_type\": \"DeviceInformation\"}")).hasMessageContaining("requires queries");
        assertThatThrownBy(() -> build("{\"request_type\": \"RemoveProfile\"}")).hasMessageContaining("requires identifier");
    }

    @Test
    void hostActionsMustGoThroughTheirEndpoints() {
        assertThatThrownBy(() -> build("{\"request_type\": \"EraseDevice\"}")).hasMessageContaining("POST /v1/hosts/{id}/wipe");
        assertThatThrownBy(() -> build("{\"request_type\": \"DeviceLock\"}")).hasMessageContaining("POST /v1/hosts/{id}/lock");
    }

    @Test
    void serverSideBuildsCheckValuesAgainstTheSchemaToo() throws Exception {
        CommandSchemas.Spec erase = CommandSchemas.spec("EraseDevice");
        JsonNode bad = JSON.readTree("\"Sometimes\"");
        assertThatThrownBy(() -> CommandBuilder.build(erase, java.util.Map.of("obliteration_behavior", bad), "u"))
                .hasMessageContaining("Sometimes").hasMessageContaining("DoNotObliterate");
        Command clear = CommandBuilder.build(CommandSchemas.spec("ClearPasscode"),
                java.util.Map.of("UnlockToken", JSON.readTree("\"AAEC\"")), "u2");
        assertThat(((NSData) commandDict(clear).get("UnlockToken")).bytes()).containsExactly(0, 1, 2);
    }

    @Test
    void snakeCaseOfAppleKeys() {
        assertThat(CommandBuilder.snake("PhoneNumber")).isEqualTo("phone_number");
        assertThat(CommandBuilder.snake("PIN")).isEqualTo("pin");
        assertThat(CommandBuilder.snake("ManagedAppsOnly")).isEqualTo("managed_apps_only");
        assertThat(CommandBuilder.snake("UnlockToken")).isEqualTo("unlock_token");
        assertThat(CommandBuilder.snake("Queries")).isEqualTo("queries");
    }
}
