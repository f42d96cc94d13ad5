package io.streamlate.topology.config;

import io.streamlate.model.alignment.LinkRule;
import io.streamlate.model.batching.BatchPolicy;
import io.streamlate.model.manifest.Precision;
import io.streamlate.model.onnx.Device;
import io.streamlate.model.onnx.SessionSettings;
import io.streamlate.schemas.alignment.KeepPolicy;
import io.streamlate.schemas.serde.AvroSerdeConfig;
import io.streamlate.topology.backpressure.PausePolicy;
import io.streamlate.topology.view.ViewSettings;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Every {@code streamlate.*} key, declared once ({@link #DEFINITION}: Kafka's {@link ConfigDef}, with type, default,
 * validator and documentation) and read once: a bad value fails with a {@link ConfigException} that names its key,
 * and an unknown {@code streamlate.*} key is an error, so a typo cannot pass unnoticed. Other keys (Kafka Streams',
 * the registry client's) are not read here. The parts of the service read their views: {@link #topology()},
 * {@link #engine()}, {@link #httpPort()}, {@link #view()}, {@link #shutdownTimeout()}. The configuration table of
 * topology/README.md is {@link #markdownTable()} (a test keeps them equal).
 */
public final class StreamlateConfig extends AbstractConfig {

    public static final String PREFIX = "streamlate.";
    public static final String INPUT_TOPIC = "streamlate.topic.input";
    public static final String TRANSLATIONS_TOPIC = "streamlate.topic.translations";
    public static final String ALIGNMENTS_TOPIC = "streamlate.topic.alignments";
    public static final String DEAD_LETTER_TOPIC = "streamlate.topic.dead.letter";
    public static final String DEFAULT_TARGET_LANGUAGE = "streamlate.default.target.language";
    public static final String MAX_TEXT_CHARS = "streamlate.max.text.chars";
    public static final String BATCH_MAX_SENTENCES = "streamlate.batch.max.sentences";
    public static final String BATCH_MAX_TOKENS = "streamlate.batch.max.tokens";
    public static final String BATCH_MAX_DELAY_MS = "streamlate.batch.max.delay.ms";
    public static final String BATCH_MAX_QUEUED = "streamlate.batch.max.queued";
    public static final String BATCH_WORKERS = "streamlate.batch.workers";
    public static final String BATCH_SORT_WINDOW = "streamlate.batch.sort.window";
    public static final String PUNCTUATION_INTERVAL_MS = "streamlate.punctuation.interval.ms";
    public static final String COMMIT_ON_OUTPUT = "streamlate.commit.on.output";
    public static final String COMMIT_SPACING_MS = "streamlate.commit.spacing.ms";
    public static final String OUTPUT_ORDER = "streamlate.output.order";
    public static final String OFFER_TIMEOUT_MS = "streamlate.offer.timeout.ms";
    public static final String OFFER_MAX_BLOCK_MS = "streamlate.offer.max.block.ms";
    public static final String PAUSE_AT_QUEUED = "streamlate.backpressure.pause.queued";
    public static final String RESUME_BELOW_QUEUED = "streamlate.backpressure.resume.queued";
    public static final String KEEP_MASS_PERMILLE = "streamlate.alignment.keep.mass.permille";
    public static final String KEEP_MAX = "streamlate.alignment.keep.max";
    public static final String LINK_RULE = "streamlate.alignment.link.rule";
    public static final String BEAM_SIZE = "streamlate.decoding.beam.size";
    public static final String LENGTH_PENALTY = "streamlate.decoding.length.penalty";
    public static final String PENDING_STORE = "streamlate.store.pending";
    public static final String MODELS = "streamlate.models";
    public static final String DEVICE = "streamlate.device";
    public static final String CPU_FALLBACK = "streamlate.device.cpu.fallback";
    public static final String ENGINE_THREADS = "streamlate.engine.threads";
    public static final String ENGINE_SPIN_WAIT = "streamlate.engine.spin.wait";
    public static final String ENGINE_PRECISION = "streamlate.engine.precision";
    public static final String ENGINE_BUFFER_POOL_BYTES = "streamlate.engine.buffer.pool.bytes";
    public static final String HTTP_PORT = "streamlate.http.port";
    public static final String HTTP_HOST = "streamlate.http.host";
    public static final String VIEW_SIZE = "streamlate.view.size";
    public static final String VIEW_MAX_PER_SECOND = "streamlate.view.max.per.second";
    public static final String SHUTDOWN_TIMEOUT_MS = "streamlate.shutdown.timeout.ms";
    public static final String HEALTH_STALL_MS = "streamlate.health.stall.ms";
    public static final String MAX_PAYLOAD_BYTES = AvroSerdeConfig.MAX_PAYLOAD_BYTES;

    public static final String DEFAULT_MODELS = "model/artifacts/en-fr";
    public static final int DEFAULT_HTTP_PORT = 8080;
    private static final int MAX_MILLIS = 60_000;

    public static final ConfigDef DEFINITION = new ConfigDef()
            .define(INPUT_TOPIC, Type.STRING, "sentences", Validators.topicName(), Importance.HIGH,
                    "the input topic: SentenceEvent records")
            .define(TRANSLATIONS_TOPIC, Type.STRING, "translations", Validators.topicName(), Importance.HIGH,
                    "Translation records, one per valid input")
            .define(ALIGNMENTS_TOPIC, Type.STRING, "alignments", Validators.topicName(), Importance.HIGH,
                    "Alignment records (soft and hard alignment), one per valid input")
            .define(DEAD_LETTER_TOPIC, Type.STRING, "sentences-dlq", Validators.topicName(), Importance.HIGH,
                    "DeadLetter records: every input that cannot be translated, with its bytes and a reason")
            .define(DEFAULT_TARGET_LANGUAGE, Type.STRING, null, Validators.notBlank(), Importance.MEDIUM,
                    "applied when an event's target_language is null; without it such events are dead-lettered "
                            + "UNSUPPORTED_LANGUAGE_PAIR")
            .define(MAX_TEXT_CHARS, Type.INT, 5000, Range.between(1, 1_000_000), Importance.MEDIUM,
                    "a longer text or given translation (in code points) is dead-lettered TEXT_TOO_LONG")
            .define(BATCH_MAX_SENTENCES, Type.INT, BatchPolicy.DEFAULT.maxSentences(), Range.between(1, 4096),
                    Importance.HIGH, "a batch closes when it holds this many inputs")
            .define(BATCH_MAX_TOKENS, Type.INT, BatchPolicy.DEFAULT.maxTokens(), Range.atLeast(1), Importance.HIGH,
                    "a batch closes before the input that would make it cost more: longest input x inputs, in "
                            + "subword tokens")
            .define(BATCH_MAX_DELAY_MS, Type.INT, (int) BatchPolicy.DEFAULT.maxDelay().toMillis(),
                    Range.between(0, 3_600_000), Importance.HIGH,
                    "the longest an input waits for company, from its batch's first input")
            .define(BATCH_MAX_QUEUED, Type.INT, null, Validators.optional(Range.atLeast(1)), Importance.MEDIUM,
                    "inputs waiting for a batch or a worker before offers block; default 4 x "
                            + BATCH_MAX_SENTENCES + ", at least " + BATCH_MAX_SENTENCES)
            .define(BATCH_WORKERS, Type.INT, BatchPolicy.DEFAULT.workers(), Range.between(1, 64), Importance.MEDIUM,
                    "engine calls at once")
            .define(BATCH_SORT_WINDOW, Type.INT, null, Validators.optional(Range.atLeast(0)), Importance.LOW,
                    "queued inputs of a pair ordered by length before they are cut into batches, so batches pad "
                            + "little, within " + BATCH_MAX_DELAY_MS + "; at most " + BATCH_MAX_SENTENCES
                            + " (0 too) = arrival order; default 2 x " + BATCH_MAX_SENTENCES + ", at most "
                            + BATCH_MAX_QUEUED)
            .define(PUNCTUATION_INTERVAL_MS, Type.INT, 10, Range.between(1, MAX_MILLIS), Importance.LOW,
                    "how often each task forwards its completed results (wall-clock punctuator)")
            .define(COMMIT_ON_OUTPUT, Type.BOOLEAN, true, Importance.LOW,
                    "a task that forwarded results asks Kafka Streams to commit at once, so read_committed "
                            + "consumers see them without waiting out commit.interval.ms; false = commits only "
                            + "every commit.interval.ms")
            .define(COMMIT_SPACING_MS, Type.INT, 60, Range.between(0, MAX_MILLIS), Importance.LOW,
                    "with " + COMMIT_ON_OUTPUT + ", the least time between two commits a stream thread asks for: "
                            + "outputs forwarded meanwhile wait at most this long and commit together (each "
                            + "exactly_once_v2 commit costs the broker and the thread a transaction's end)")
            .define(OUTPUT_ORDER, Type.STRING, OutputOrder.KEY.key(), ConfigDef.ValidString.in(
                    OutputOrder.KEY.key(), OutputOrder.PARTITION.key()), Importance.MEDIUM,
                    "key: a task forwards each input's outputs once it and every earlier input of its key are "
                            + "done, so a short sentence does not wait for another key's long one (inputs without a "
                            + "key count as one key); partition: once every earlier input of its partition is done")
            .define(OFFER_TIMEOUT_MS, Type.INT, 200, Range.between(1, MAX_MILLIS), Importance.LOW,
                    "one bounded wait of process() for room in the batcher")
            .define(OFFER_MAX_BLOCK_MS, Type.INT, 5000, Range.between(0, MAX_MILLIS), Importance.LOW,
                    "the longest one process() call waits for room in all; then the input waits in its task's "
                            + "line. At most half of max.poll.interval.ms")
            .define(PAUSE_AT_QUEUED, Type.INT, null, Validators.optional(Range.atLeast(2)), Importance.LOW,
                    "consumption pauses at this batcher queue depth; default 3/4 of " + BATCH_MAX_QUEUED)
            .define(RESUME_BELOW_QUEUED, Type.INT, null, Validators.optional(Range.atLeast(1)), Importance.LOW,
                    "and resumes below this one; default 1/4 of " + BATCH_MAX_QUEUED)
            .define(KEEP_MASS_PERMILLE, Type.INT, KeepPolicy.DEFAULT.massPermille(), Range.between(1, 1000),
                    Importance.LOW, "Alignment records keep each attention row's largest weights up to this share "
                            + "of its mass (1000 keeps every weight within 1/255)")
            .define(KEEP_MAX, Type.INT, KeepPolicy.DEFAULT.maxKept(), Range.atLeast(1), Importance.LOW,
                    "and at most this many weights per row")
            .define(LINK_RULE, Type.STRING, null, Validators.linkRule(), Importance.MEDIUM,
                    "how word links are read off the attention, [consuming:](argmax|threshold=T|argmax+threshold=T);"
                            + " default: each model's decoding_defaults.link_rule")
            .define(BEAM_SIZE, Type.INT, null, Validators.optional(Range.between(1, 64)), Importance.MEDIUM,
                    "beam search width, 1 = greedy (fastest: beam 8 costs about twice beam 4's time); default: each "
                            + "model's decoding_defaults.beam_size")
            .define(LENGTH_PENALTY, Type.DOUBLE, null, Validators.optional(Range.between(0, 10)), Importance.LOW,
                    "beam hypotheses rank by log-probability / length^penalty; default: each model's "
                            + "decoding_defaults.length_penalty")
            .define(PENDING_STORE, Type.STRING, "pending-translations", Validators.storeName(), Importance.LOW,
                    "the changelogged store of inputs not yet answered; renaming it loses what is pending")
            .define(MODELS, Type.LIST, DEFAULT_MODELS, Validators.modelDirectories(), Importance.HIGH,
                    "model directories, one per language pair")
            .define(DEVICE, Type.STRING, "cpu", Validators.device(), Importance.HIGH, "cpu or cuda:N")
            .define(CPU_FALLBACK, Type.BOOLEAN, false, Importance.MEDIUM,
                    "run on the CPU when the CUDA device cannot start, instead of failing the start")
            .define(ENGINE_THREADS, Type.INT, 0, Range.between(0, 1024), Importance.MEDIUM,
                    "ONNX Runtime intra-op threads per engine call; 0 = the JVM's available cores / "
                            + BATCH_WORKERS + ", at least 1")
            .define(ENGINE_SPIN_WAIT, Type.BOOLEAN, false, Importance.LOW,
                    "let ONNX Runtime's intra-op threads spin after each run instead of sleeping; off by default "
                            + "because each session's spinning pool takes cores from the next session's run")
            .define(ENGINE_PRECISION, Type.STRING, Precision.FLOAT32.key(), ConfigDef.ValidString.in(
                    Precision.FLOAT32.key(), Precision.INT8.key()), Importance.MEDIUM,
                    "float32, or int8: the decoder steps' int8 variant (model/README.md), which every model must "
                            + "then ship (manifest precisions)")
            .define(ENGINE_BUFFER_POOL_BYTES, Type.LONG, SessionSettings.DEFAULT.bufferPoolBytes(), Range.atLeast(0L),
                    Importance.LOW, "native memory per model kept for reuse by the encoder states' buffers once a "
                            + "batch has released them; 0 = none, every encoder run and memory gather allocates afresh "
                            + "(slower: the default ran 1.1x as fast greedy, 1.56x with beam 4, at batch 64)")
            .define(HTTP_PORT, Type.INT, DEFAULT_HTTP_PORT, Range.between(-1, 65535), Importance.MEDIUM,
                    "health and metrics port; 0 = any free port, -1 = none")
            .define(HTTP_HOST, Type.STRING, "0.0.0.0", Validators.notBlank(), Importance.LOW,
                    "the address the health and metrics server binds; 0.0.0.0 = every interface")
            .define(VIEW_SIZE, Type.INT, 50, Range.between(0, 1000), Importance.LOW,
                    "translations the live alignment view at the HTTP port's / keeps in memory, newest first; 0 = "
                            + "no view")
            .define(VIEW_MAX_PER_SECOND, Type.DOUBLE, 5.0, Range.between(0.01, 1000), Importance.LOW,
                    "at most this many translations a second enter the live view's window; above it the view "
                            + "samples")
            .define(SHUTDOWN_TIMEOUT_MS, Type.INT, 30_000, Range.between(0, 600_000), Importance.LOW,
                    "how long closing waits for Kafka Streams and then for the batcher to drain")
            .define(HEALTH_STALL_MS, Type.INT, 60_000, Range.between(1000, 3_600_000), Importance.LOW,
                    "readiness reports stalled when inputs are pending and nothing was forwarded for this long")
            .define(MAX_PAYLOAD_BYTES, Type.INT, 4 << 20, Range.atLeast(5), Importance.LOW,
                    "larger record keys or values are rejected unread (read by the Avro serdes)");

    private StreamlateConfig(Map<?, ?> values) {
        super(DEFINITION, values, false);
    }

    /**
     * Reads the {@code streamlate.*} keys of {@code properties}; every other key is ignored.
     *
     * @throws ConfigException naming the first unknown key, or the first key whose value is malformed or out of
     *                         its bounds
     */
    public static StreamlateConfig of(Map<?, ?> properties) {
        Map<String, Object> ours = new TreeMap<>();
        properties.forEach((key, value) -> {
            if (String.valueOf(key).startsWith(PREFIX)) {
                ours.put(String.valueOf(key), value);
            }
        });
        Set<String> unknown = new TreeSet<>(ours.keySet());
        unknown.removeAll(DEFINITION.names());
        if (!unknown.isEmpty()) {
            String key = unknown.iterator().next();
            throw new ConfigException(key, ours.get(key), "unknown streamlate key (known: "
                    + new TreeSet<>(DEFINITION.names()) + ")");
        }
        return new StreamlateConfig(ours);
    }

    /** What the topology, processor and batcher read. */
    public TopologyConfig topology() {
        int maxSentences = getInt(BATCH_MAX_SENTENCES);
        Integer queued = getInt(BATCH_MAX_QUEUED);
        int maxQueued = queued != null ? queued : Math.max(BatchPolicy.DEFAULT.maxQueued(), 4 * maxSentences);
        check(maxQueued >= maxSentences, BATCH_MAX_QUEUED, maxQueued, "at least " + BATCH_MAX_SENTENCES + " = "
                + maxSentences);
        Integer window = getInt(BATCH_SORT_WINDOW);
        int sortWindow = window != null ? window : Math.min(2 * maxSentences, maxQueued);
        check(sortWindow <= maxQueued, BATCH_SORT_WINDOW, sortWindow, "at most " + BATCH_MAX_QUEUED + " = "
                + maxQueued);
        BatchPolicy batch = new BatchPolicy(maxSentences, getInt(BATCH_MAX_TOKENS),
                Duration.ofMillis(getInt(BATCH_MAX_DELAY_MS)), maxQueued, getInt(BATCH_WORKERS), sortWindow);
        PausePolicy defaults = PausePolicy.forQueue(maxQueued);
        int pauseAt = Optional.ofNullable(getInt(PAUSE_AT_QUEUED)).orElse(defaults.pauseAtQueued());
        int resumeBelow = Optional.ofNullable(getInt(RESUME_BELOW_QUEUED)).orElse(defaults.resumeBelowQueued());
        check(pauseAt <= maxQueued, PAUSE_AT_QUEUED, pauseAt, "at most " + BATCH_MAX_QUEUED + " = " + maxQueued);
        check(resumeBelow < pauseAt, RESUME_BELOW_QUEUED, resumeBelow, "below " + PAUSE_AT_QUEUED + " = " + pauseAt);
        List<String> topics = List.of(getString(INPUT_TOPIC), getString(TRANSLATIONS_TOPIC),
                getString(ALIGNMENTS_TOPIC), getString(DEAD_LETTER_TOPIC));
        if (new HashSet<>(topics).size() != topics.size()) {
            throw new ConfigException("the four topics (" + INPUT_TOPIC + ", " + TRANSLATIONS_TOPIC + ", "
                    + ALIGNMENTS_TOPIC + ", " + DEAD_LETTER_TOPIC + ") must be distinct, are " + topics);
        }
        return new TopologyConfig(topics.get(0), topics.get(1), topics.get(2), topics.get(3),
                Optional.ofNullable(getString(DEFAULT_TARGET_LANGUAGE)).map(String::trim), getInt(MAX_TEXT_CHARS),
                batch, Duration.ofMillis(getInt(PUNCTUATION_INTERVAL_MS)), getBoolean(COMMIT_ON_OUTPUT),
                Duration.ofMillis(getInt(COMMIT_SPACING_MS)), OutputOrder.parse(getString(OUTPUT_ORDER)),
                Duration.ofMillis(getInt(OFFER_TIMEOUT_MS)),
                Duration.ofMillis(getInt(OFFER_MAX_BLOCK_MS)), new PausePolicy(pauseAt, resumeBelow),
                new KeepPolicy(getInt(KEEP_MASS_PERMILLE), getInt(KEEP_MAX)),
                new DecodingOverrides(Optional.ofNullable(getInt(BEAM_SIZE)), Optional.ofNullable(getDouble(
                        LENGTH_PENALTY)), Optional.ofNullable(getString(LINK_RULE)).map(LinkRule::parse)),
                getString(PENDING_STORE));
    }

    /** The models to load and how their sessions run. */
    public EngineSettings engine() {
        return new EngineSettings(getList(MODELS).stream().map(String::trim).map(Path::of).toList(),
                SessionSettings.DEFAULT.withDevice(Device.parse(getString(DEVICE))).withCpuFallback(
                        getBoolean(CPU_FALLBACK)).withThreads(threadsPerSession(), 1)
                        .withPrecision(Precision.parse(getString(ENGINE_PRECISION)))
                        .withSpinWait(getBoolean(ENGINE_SPIN_WAIT))
                        .withBufferPoolBytes(getLong(ENGINE_BUFFER_POOL_BYTES)));
    }

    /**
     * {@value #ENGINE_THREADS}, or when 0 the cores this JVM may use (its container's CPU limit included) shared
     * out among the {@value #BATCH_WORKERS} engine calls that run at once, at least 1: ONNX Runtime's own default
     * is every physical core of the host for each call, which oversubscribes the cores as soon as two calls run.
     */
    private int threadsPerSession() {
        int threads = getInt(ENGINE_THREADS);
        return threads > 0 ? threads : Math.max(1, Runtime.getRuntime().availableProcessors() / getInt(BATCH_WORKERS));
    }

    /** {@value #HTTP_PORT}: health and metrics; -1 = none, 0 = any free port. */
    public int httpPort() {
        return getInt(HTTP_PORT);
    }

    /** {@value #HTTP_HOST}: where the health and metrics server binds. */
    public String httpHost() {
        return getString(HTTP_HOST).trim();
    }

    /** The live alignment view's window. */
    public ViewSettings view() {
        return new ViewSettings(getInt(VIEW_SIZE), getDouble(VIEW_MAX_PER_SECOND));
    }

    public Duration stallAfter() {
        return Duration.ofMillis(getInt(HEALTH_STALL_MS));
    }

    public Duration shutdownTimeout() {
        return Duration.ofMillis(getInt(SHUTDOWN_TIMEOUT_MS));
    }

    /** The keys as a Markdown table (key, default, meaning), as topology/README.md carries it. */
    public static String markdownTable() {
        StringBuilder table = new StringBuilder("| Key | Default | Meaning |\n|---|---|---|\n");
        for (ConfigDef.ConfigKey key : DEFINITION.configKeys().values()) {
            String fallback = key.defaultValue == null ? ""
                    : key.defaultValue instanceof List<?> list ? list.stream().map(String::valueOf)
                    .collect(Collectors.joining(",")) : String.valueOf(key.defaultValue);
            table.append("| `").append(key.name).append("` | ").append(fallback.isEmpty() ? "none" : "`" + fallback
                    + "`").append(" | ").append(key.documentation.replace("|", "\\|")).append(" |\n");
        }
        return table.toString();
    }

    private static void check(boolean ok, String key, Object value, String bound) {
        if (!ok) {
            throw new ConfigException(key, value, "must be " + bound);
        }
    }
}
