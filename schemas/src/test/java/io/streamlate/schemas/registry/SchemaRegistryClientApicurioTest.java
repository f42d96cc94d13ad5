package io.streamlate.schemas.registry;

import io.streamlate.local.ApicurioRegistry;
import io.streamlate.schemas.LocalPeers;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.OptionalInt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The client against Apicurio Registry's Confluent-compatible API. */
@ExtendWith(LocalPeers.class)
class SchemaRegistryClientApicurioTest {

    private static final Schema V1 = SchemaBuilder.record("Greeting").namespace("test").fields()
            .requiredString("text").endRecord();
    private static final Schema V2_WITH_DEFAULT = SchemaBuilder.record("Greeting").namespace("test").fields()
            .requiredString("text").name("language").type().stringType().stringDefault("en").endRecord();
    private static final Schema BREAKING = SchemaBuilder.record("Greeting").namespace("test").fields()
            .requiredInt("text").endRecord();

    private static SchemaRegistryClient client;
    private static ApicurioRegistry registry;

    @BeforeAll
    static void connect(ApicurioRegistry apicurio) {
        registry = apicurio;
        client = new SchemaRegistryClient(RegistryConfig.from(LocalPeers.serdeProperties(apicurio, Map.of())));
    }

    @Test
    void registeringIsIdempotentAndTheIdLeadsBackToTheSchema() {
        int id = client.register("registering-value", V1);

        assertThat(client.register("registering-value", V1)).isEqualTo(id);
        assertThat(freshClient().register("registering-value", V1)).as("asked again, not cached").isEqualTo(id);
        assertThat(freshClient().schemaById(id)).isEqualTo(V1);
        assertThat(freshClient().idOf("registering-value", V1)).isEqualTo(id);
    }

    @Test
    void latestIsTheLastRegisteredVersion() {
        int first = client.register("latest-value", V1);
        int second = client.register("latest-value", V2_WITH_DEFAULT);

        RegisteredSchema latest = client.latest("latest-value");

        assertThat(second).isNotEqualTo(first);
        assertThat(latest).isEqualTo(new RegisteredSchema("latest-value", 2, second, V2_WITH_DEFAULT));
    }

    @Test
    void compatibilityFollowsTheSubjectsRule() throws Exception {
        client.register("compatibility-value", V1);
        setCompatibility("compatibility-value", "FULL_TRANSITIVE");

        assertThat(client.isCompatible("compatibility-value", V2_WITH_DEFAULT)).isTrue();
        assertThat(client.isCompatible("compatibility-value", BREAKING)).isFalse();
    }

    @Test
    void registeringABreakingSchemaFailsWithTheRegistrysError() throws Exception {
        client.register("breaking-value", V1);
        setCompatibility("breaking-value", "FULL_TRANSITIVE");

        assertThatThrownBy(() -> client.register("breaking-value", BREAKING))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e ->
                        assertThat(e.httpStatus()).isEqualTo(OptionalInt.of(409)))
                .hasMessageContaining("POST " + registry.ccompatUrl() + "/subjects/breaking-value/versions")
                .hasMessageContaining("Incompatible");
    }

    @Test
    void lookingUpASchemaTheSubjectDoesNotHoldIsNotFound() {
        client.register("lookup-value", V1);

        assertThatThrownBy(() -> client.idOf("lookup-value", V2_WITH_DEFAULT))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e ->
                        assertThat(e.isNotFound()).isTrue());
        assertThatThrownBy(() -> client.idOf("no-such-subject-value", V1))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
                    assertThat(e.isNotFound()).isTrue();
                    assertThat(e.errorCode()).isEqualTo(OptionalInt.of(SchemaRegistryException.SUBJECT_NOT_FOUND));
                });
    }

    @Test
    void anUnknownIdIsNotFoundWithConfluentsErrorCode() {
        assertThatThrownBy(() -> client.schemaById(987_654))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
                    assertThat(e.httpStatus()).isEqualTo(OptionalInt.of(404));
                    assertThat(e.errorCode()).isEqualTo(OptionalInt.of(SchemaRegistryException.SCHEMA_NOT_FOUND));
                })
                .hasMessageContaining("/schemas/ids/987654")
                .hasMessageContaining("error_code 40403");
    }

    @Test
    void theRegistryAnswersTheReachabilityCheck() {
        assertThatCode(client::checkReachable).doesNotThrowAnyException();
    }

    private static SchemaRegistryClient freshClient() {
        return new SchemaRegistryClient(RegistryConfig.from(LocalPeers.serdeProperties(registry, Map.of())));
    }

    private static void setCompatibility(String subject, String level) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(registry.ccompatUrl() + "/config/" + subject))
                .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"compatibility\":\"" + level + "\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    }
}
