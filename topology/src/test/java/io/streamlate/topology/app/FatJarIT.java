package io.streamlate.topology.app;

import io.streamlate.topology.TinyModel;
import io.streamlate.topology.Topics;
import io.streamlate.topology.config.StreamlateConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The packaged service jar the container images wrap ({@code target/streamlate-all.jar}), run as an operator runs it:
 * {@code java -jar}, in a fresh JVM. It carries no broker (no Kafka server, no Scala, no Apicurio launcher), stops
 * at once without {@code bootstrap.servers}, and translates through a real broker and registry given on its command
 * line, which proves the shading kept what the classpath build has (service files, native libraries, the SLF4J
 * provider).
 */
class FatJarIT {

    private static final Path JAR = Path.of(System.getProperty("streamlate.jar", "target/streamlate-all.jar"));
    private static final long MAX_JAR_BYTES = 60L * 1024 * 1024;

    @RegisterExtension
    static final EndToEndPeers PEERS = new EndToEndPeers();

    private static Process java(Path log, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-jar", JAR.toString()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    private static String runToEnd(Path log, String... args) throws Exception {
        Process process = java(log, args);
        assertThat(process.waitFor(2, TimeUnit.MINUTES)).as("%s exits", List.of(args)).isTrue();
        return process.exitValue() + "\n" + Files.readString(log, StandardCharsets.UTF_8);
    }

    @Test
    void theJarIsSmallAndCarriesNoBroker() throws IOException {
        assertThat(Files.size(JAR)).isLessThan(MAX_JAR_BYTES);
        try (JarFile jar = new JarFile(JAR.toFile())) {
            assertThat(jar.stream().map(entry -> entry.getName()))
                    .noneMatch(name -> name.startsWith("kafka/server/") || name.startsWith("scala/")
                            || name.startsWith("io/streamlate/local/") || name.startsWith("io/streamlate/demo/"))
                    .contains("io/streamlate/topology/app/StreamlateApp.class",
                            "ai/onnxruntime/native/linux-x64/libonnxruntime.so", "librocksdbjni-linux64.so");
        }
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void withoutBootstrapServersItExitsNamingTheKeyAndTheLocalDemo(@TempDir Path temp) throws Exception {
        String help = runToEnd(temp.resolve("help.log"), "--help");
        assertThat(help).startsWith("0\n").contains("--bootstrap-servers", "--set", "translate", "align");

        String refused = runToEnd(temp.resolve("refused.log"), "--model", TinyModel.DIRECTORY.toString());
        assertThat(refused).doesNotStartWith("0\n").contains("bootstrap.servers", "is required",
                "mvn -q -pl demo exec:java").doesNotContain("SLF4J(W): No SLF4J providers");
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void theAlignSubcommandRunsTheEngineFromTheJar(@TempDir Path temp) throws Exception {
        Path pairs = Files.writeString(temp.resolve("pairs.txt"), "I love you ||| je t' aime\n");

        Path stdout = temp.resolve("align.out");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-jar", JAR.toString(), "align", "--model", TinyModel.DIRECTORY.toString(),
                pairs.toString()));
        Process process = new ProcessBuilder(command).redirectOutput(stdout.toFile())
                .redirectError(temp.resolve("align.log").toFile()).start();
        assertThat(process.waitFor(2, TimeUnit.MINUTES)).isTrue();

        assertThat(process.exitValue()).isZero();
        assertThat(Files.readString(stdout, StandardCharsets.UTF_8)).as("standard output holds the links alone, "
                + "logs go to standard error").matches("[0-2]-[0-2]( [0-2]-[0-2])*\n");
        assertThat(Files.readString(temp.resolve("align.log"), StandardCharsets.UTF_8))
                .as("a CPU run says nothing about CUDA").doesNotContainIgnoringCase("cuda").doesNotContain("GPU");
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void theJarTranslatesThroughARealBrokerAndRegistry(@TempDir Path temp) throws Exception {
        String prefix = "jar-";
        Properties file = EndToEndFixture.file(prefix, temp.resolve("state"));
        ServiceConfig config = PEERS.fixture().config(file, prefix + "app", "exactly_once_v2");
        Topics topics = PEERS.fixture().createTopics(config, 2);
        Path properties = temp.resolve("streamlate.properties");
        try (var writer = Files.newBufferedWriter(properties, StandardCharsets.UTF_8)) {
            file.store(writer, "the fixture's instance settings");
        }
        Path log = temp.resolve("service.log");
        Process service = java(log, "--config", properties.toString(), "--bootstrap-servers",
                PEERS.fixture().bootstrapServers(), "--schema-registry-url", PEERS.fixture().registryUrl(),
                "--application-id", prefix + "app", "--set", StreamlateConfig.HTTP_PORT + "=-1");
        try (KafkaProducer<byte[], byte[]> producer = PEERS.fixture().producer();
             EndToEndFixture.Outputs outputs = PEERS.fixture().outputs(topics, prefix + "checker")) {
            EndToEndFixture.send(producer, topics, "k", EndToEndFixture.event("j1", "I love you.", "fr"));
            producer.flush();
            outputs.awaitAll(Set.of("j1"), Duration.ofMinutes(3), Duration.ZERO);
            assertThat(outputs.translations).singleElement()
                    .satisfies(record -> assertThat(record.value().getTranslatedText()).isNotBlank());
        } finally {
            service.destroy(); // SIGTERM: the shutdown hook closes the service
            assertThat(service.waitFor(90, TimeUnit.SECONDS)).as(Files.readString(log, StandardCharsets.UTF_8))
                    .isTrue();
        }
        assertThat(Files.readString(log, StandardCharsets.UTF_8)).contains("Loaded model")
                .doesNotContain("SLF4J(W): No SLF4J providers");
    }
}
