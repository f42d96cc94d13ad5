package io.streamlate.local;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * A single-node Kafka broker in this JVM: KRaft in combined mode (one node is broker and controller), listeners on
 * 127.0.0.1 only, data in a temporary directory that {@link #close()} removes. Built from Kafka's own server
 * classes ({@link KafkaRaftServer} on a log directory formatted by {@link Formatter}, what {@code kafka-storage.sh
 * format} and {@code kafka-server-start.sh} do) rather than Kafka's test kit, which drags JUnit onto the main
 * classpath. Internal topics get replication factor 1, so consumer groups and transactions work on one node.
 * {@link #start()} gives a PLAINTEXT listener; {@link #startSecured} a SASL_SSL one (SCRAM-SHA-512 over TLS);
 * {@link #startAuthorized} adds an authorizer that denies whatever no ACL allows.
 */
public final class EmbeddedKafka implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedKafka.class);
    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);
    private static final int NODE_ID = 1;
    private static final String CONTROLLER_LISTENER = "CONTROLLER";
    private static final String SECURED_LISTENER = "SASL_SSL";
    private static final String INTERNAL_LISTENER = "INTERNAL";

    private final KafkaRaftServer server;
    private final Path dataDirectory;
    private final String bootstrapServers;
    private final String adminServers;

    private EmbeddedKafka(KafkaRaftServer server, Path dataDirectory, String bootstrapServers, String adminServers) {
        this.server = server;
        this.dataDirectory = dataDirectory;
        this.bootstrapServers = bootstrapServers;
        this.adminServers = adminServers;
    }

    /** Formats a fresh log directory, starts the node and returns once it answers an admin request. */
    public static EmbeddedKafka start() {
        String brokerAddress = LoopbackPorts.HOST + ":" + LoopbackPorts.free();
        return start(brokerAddress, brokerAddress, controller -> plaintextListeners(brokerAddress, controller),
                List.of());
    }

    /**
     * The same with a SASL_SSL listener for clients ({@link #bootstrapServers()}): TLS with the key store of
     * {@code tls}, SCRAM-SHA-512 logins as {@code users}, whose credentials are written at format time (so they
     * hold from the first request). Inter-broker and controller traffic stay PLAINTEXT on their own loopback
     * ports, which this class's own admin requests ({@link #createTopic}) use too; no authorizer, so every
     * authenticated user may do everything.
     */
    public static EmbeddedKafka startSecured(TlsMaterial tls, List<ScramUser> users) {
        return startSecured(tls, users, Map.of());
    }

    /**
     * {@link #startSecured} with Kafka's {@code StandardAuthorizer}, denying what no ACL allows
     * ({@code allow.everyone.if.no.acl.found=false}): on the SASL_SSL listener only {@code superUser} may do
     * everything, every other user only what {@link #createAcls} grants it. The PLAINTEXT inter-broker, controller
     * and admin traffic comes as {@code User:ANONYMOUS}, which is a super user too, so that the node can talk to
     * itself and {@link #createTopic} and {@link #createAcls} keep working; those ports are on the loopback only.
     */
    public static EmbeddedKafka startAuthorized(TlsMaterial tls, List<ScramUser> users, ScramUser superUser) {
        return startSecured(tls, users, Map.of(
                "authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer",
                "allow.everyone.if.no.acl.found", "false",
                "super.users", "User:ANONYMOUS;User:" + superUser.name()));
    }

    private static EmbeddedKafka startSecured(TlsMaterial tls, List<ScramUser> users, Map<String, String> extra) {
        String clientAddress = LoopbackPorts.HOST + ":" + LoopbackPorts.free();
        String internalAddress = LoopbackPorts.HOST + ":" + LoopbackPorts.free();
        return start(clientAddress, internalAddress, controller -> {
            Map<String, String> config = new HashMap<>(securedListeners(clientAddress, internalAddress, controller,
                    tls));
            config.putAll(extra);
            return config;
        }, users.stream().map(ScramUser::formatArgument).toList());
    }

    private static EmbeddedKafka start(String bootstrapServers, String adminServers,
                                       Function<String, Map<String, String>> listeners, List<String> scram) {
        long started = System.nanoTime();
        Path dataDirectory = TempDirectories.create("streamlate-kafka-");
        String controllerAddress = LoopbackPorts.HOST + ":" + LoopbackPorts.free();
        Properties config = serverConfig(dataDirectory, controllerAddress);
        config.putAll(listeners.apply(controllerAddress));
        KafkaRaftServer server = null;
        boolean up = false;
        try {
            KafkaConfig kafkaConfig = KafkaConfig.fromProps(config, false);
            format(dataDirectory, scram);
            server = new KafkaRaftServer(kafkaConfig, Time.SYSTEM);
            server.startup();
            EmbeddedKafka kafka = new EmbeddedKafka(server, dataDirectory, bootstrapServers, adminServers);
            kafka.awaitBroker();
            up = true;
            log.info("Kafka broker up at {} in {} ms (data in {})", bootstrapServers,
                    Duration.ofNanos(System.nanoTime() - started).toMillis(), dataDirectory);
            return kafka;
        } catch (RuntimeException e) {
            throw new IllegalStateException("the embedded Kafka broker did not start", e);
        } finally {
            // also after an Error, such as a Kafka class missing from the classpath
            if (!up) {
                stop(server);
                TempDirectories.delete(dataDirectory);
            }
        }
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** Settings for a client of the SASL_SSL listener logging in as {@code user} and trusting the CA of {@code tls}. */
    public Map<String, Object> clientConfig(ScramUser user, TlsMaterial tls) {
        Map<String, Object> config = new HashMap<>(user.clientConfig(tls));
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        return config;
    }

    Path dataDirectory() {
        return dataDirectory;
    }

    /** Creates a topic with replication factor 1 and waits until the broker has accepted it. */
    public void createTopic(String name, int partitions) {
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all()
                    .get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            log.info("Created topic {} with {} partition(s)", name, partitions);
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot create topic " + name + ": " + e.getCause().getMessage(),
                    e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("creating topic " + name + " took over " + ADMIN_TIMEOUT, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topic " + name, e);
        }
    }

    /**
     * Adds {@code acls} (through the admin port, as a super user) and waits until the broker's authorizer holds
     * them: the controller accepts them first, the broker applies them when it has read the metadata log that far.
     */
    public void createAcls(Collection<AclBinding> acls) {
        try (Admin admin = admin()) {
            admin.createAcls(acls).all().get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            long deadline = System.nanoTime() + ADMIN_TIMEOUT.toNanos();
            while (!admin.describeAcls(AclBindingFilter.ANY).values().get(ADMIN_TIMEOUT.toMillis(),
                    TimeUnit.MILLISECONDS).containsAll(acls)) {
                if (System.nanoTime() > deadline) {
                    throw new TimeoutException("the broker's authorizer does not hold all of " + acls);
                }
                Thread.sleep(10);
            }
            log.info("Created {} ACL(s)", acls.size());
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot create ACLs " + acls + ": " + e.getCause().getMessage(),
                    e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("creating ACLs took over " + ADMIN_TIMEOUT, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating ACLs", e);
        }
    }

    /** Stops the node and deletes its data. */
    @Override
    public void close() {
        log.info("Stopping Kafka broker at {}", bootstrapServers);
        stop(server);
        TempDirectories.delete(dataDirectory);
    }

    private static Properties serverConfig(Path dataDirectory, String controllerAddress) {
        Properties config = new Properties();
        config.putAll(Map.ofEntries(
                Map.entry("process.roles", "broker,controller"),
                Map.entry("node.id", String.valueOf(NODE_ID)),
                Map.entry("controller.quorum.voters", NODE_ID + "@" + controllerAddress),
                Map.entry("controller.listener.names", CONTROLLER_LISTENER),
                Map.entry("log.dirs", dataDirectory.toString()),
                Map.entry("num.partitions", "1"),
                Map.entry("offsets.topic.replication.factor", "1"),
                Map.entry("offsets.topic.num.partitions", "1"),
                Map.entry("transaction.state.log.replication.factor", "1"),
                Map.entry("transaction.state.log.min.isr", "1"),
                Map.entry("share.coordinator.state.topic.replication.factor", "1"),
                Map.entry("share.coordinator.state.topic.min.isr", "1"),
                // a lone consumer should not wait 3 s for group members that will never come
                Map.entry("group.initial.rebalance.delay.ms", "0")));
        return config;
    }

    private static Map<String, String> plaintextListeners(String brokerAddress, String controllerAddress) {
        return Map.of(
                "listeners", "PLAINTEXT://" + brokerAddress + "," + CONTROLLER_LISTENER + "://" + controllerAddress,
                "advertised.listeners", "PLAINTEXT://" + brokerAddress,
                "listener.security.protocol.map", "PLAINTEXT:PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT",
                "inter.broker.listener.name", "PLAINTEXT");
    }

    private static Map<String, String> securedListeners(String clientAddress, String internalAddress,
                                                        String controllerAddress, TlsMaterial tls) {
        String client = "listener.name." + SECURED_LISTENER.toLowerCase(Locale.ROOT) + ".";
        return Map.ofEntries(
                Map.entry("listeners", SECURED_LISTENER + "://" + clientAddress + "," + INTERNAL_LISTENER + "://"
                        + internalAddress + "," + CONTROLLER_LISTENER + "://" + controllerAddress),
                Map.entry("advertised.listeners", SECURED_LISTENER + "://" + clientAddress + ","
                        + INTERNAL_LISTENER + "://" + internalAddress),
                Map.entry("listener.security.protocol.map", SECURED_LISTENER + ":SASL_SSL," + INTERNAL_LISTENER
                        + ":PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT"),
                Map.entry("inter.broker.listener.name", INTERNAL_LISTENER),
                Map.entry(client + "sasl.enabled.mechanisms", ScramUser.MECHANISM),
                // the broker side of SCRAM needs the login module, not credentials: it checks against the metadata
                Map.entry(client + ScramUser.MECHANISM.toLowerCase(Locale.ROOT) + ".sasl.jaas.config",
                        "org.apache.kafka.common.security.scram.ScramLoginModule required;"),
                Map.entry(client + "ssl.keystore.location", tls.keyStore().toString()),
                Map.entry(client + "ssl.keystore.password", tls.password()),
                Map.entry(client + "ssl.key.password", tls.password()),
                Map.entry(client + "ssl.keystore.type", TlsMaterial.STORE_TYPE));
    }

    private static void format(Path dataDirectory, List<String> scram) {
        try (PrintStream quiet = new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8)) {
            new Formatter()
                    .setNodeId(NODE_ID)
                    .setClusterId(Uuid.randomUuid().toString())
                    .setDirectories(List.of(dataDirectory.toString()))
                    .setMetadataLogDirectory(dataDirectory.toString())
                    .setControllerListenerName(CONTROLLER_LISTENER)
                    .setScramArguments(scram)
                    .setPrintStream(quiet)
                    .run();
        } catch (Exception e) {
            throw new IllegalStateException("cannot format the KRaft log directory " + dataDirectory, e);
        }
    }

    private void awaitBroker() {
        try (Admin admin = admin()) {
            int nodes = admin.describeCluster().nodes().get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).size();
            if (nodes != 1) {
                throw new IllegalStateException("expected one broker, the cluster reports " + nodes);
            }
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("the broker at " + adminServers + " does not answer", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the broker", e);
        }
    }

    private Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, adminServers,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) ADMIN_TIMEOUT.toMillis()));
    }

    private static void stop(KafkaRaftServer server) {
        if (server != null) {
            server.shutdown();
            server.awaitShutdown();
        }
    }
}
