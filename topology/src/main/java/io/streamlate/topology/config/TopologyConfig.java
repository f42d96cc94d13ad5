package io.streamlate.topology.config;

import io.streamlate.model.TranslationOptions;
import io.streamlate.model.Translator;
import io.streamlate.model.alignment.LinkRule;
import io.streamlate.schemas.alignment.KeepPolicy;
import io.streamlate.topology.backpressure.PausePolicy;
import io.streamlate.topology.batching.BatchPolicy;
import org.apache.kafka.common.config.ConfigException;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Everything the translation topology reads from configuration, built once and validated: a bad value fails with a
 * {@link ConfigException} naming its key. Keys start with {@code streamlate.}; other keys (Kafka Streams', the serdes')
 * are ignored here, and an unknown {@code streamlate.*} key is an error, so a typo cannot pass unnoticed.
 *
 * @param inputTopic              {@value #INPUT_TOPIC} (default {@code sentences}): SentenceEvent records
 * @param translationsTopic       {@value #TRANSLATIONS_TOPIC} (default {@code translations})
 * @param alignmentsTopic         {@value #ALIGNMENTS_TOPIC} (default {@code alignments})
 * @param deadLetterTopic         {@value #DEAD_LETTER_TOPIC} (default {@code sentences-dlq})
 * @param defaultTargetLanguage   {@value #DEFAULT_TARGET_LANGUAGE} (no default): applied to events whose
 *                                target_language is null; without it such events are dead-lettered as
 *                                UNSUPPORTED_LANGUAGE_PAIR
 * @param maxTextChars            {@value #MAX_TEXT_CHARS} (default 5000, bounds [1, 1000000]): longer texts, counted
 *                                in Unicode code points, are dead-lettered as TEXT_TOO_LONG
 * @param batchPolicy             {@value #BATCH_MAX_SENTENCES}, {@value #BATCH_MAX_TOKENS},
 *                                {@value #BATCH_MAX_DELAY_MS}, {@value #BATCH_MAX_QUEUED} (default 4 x max
 *                                sentences), {@value #BATCH_WORKERS}; defaults of {@link BatchPolicy#DEFAULT}
 * @param punctuationInterval     {@value #PUNCTUATION_INTERVAL_MS} (default 10, bounds [1, 60000]): how often a
 *                                task forwards its completed translations (wall-clock punctuator)
 * @param offerTimeout            {@value #OFFER_TIMEOUT_MS} (default 200, bounds [1, 60000]): one bounded wait of
 *                                process() for room in the batcher; it retries, forwarding completed results between
 *                                tries, up to offerMaxBlock in all
 * @param offerMaxBlock           {@value #OFFER_MAX_BLOCK_MS} (default 5000, bounds [0, 60000]): the longest one
 *                                process() call waits for room in the batcher (or for the registry); then the input
 *                                stays waiting, pending, and the punctuator offers it. Keep it far below
 *                                max.poll.interval.ms (checked: at most half of it)
 * @param pausePolicy             {@value #PAUSE_AT_QUEUED} (default 3/4 of the batcher's max queued) and
 *                                {@value #RESUME_BELOW_QUEUED} (default 1/4): the backpressure controller pauses
 *                                Kafka Streams at the first queue depth and resumes below the second
 * @param keepPolicy              {@value #KEEP_MASS_PERMILLE} (default 950, bounds [1, 1000]) and
 *                                {@value #KEEP_MAX} (default 8, at least 1): which attention weights the Alignment
 *                                records keep (KeepPolicy; 1000 keeps every weight within 1/255, larger payloads)
 * @param linkRule                {@value #LINK_RULE} (default: each model's decoding_defaults.link_rule, the rule
 *                                that aligned best when it was measured): how word links are read off the attention,
 *                                {@code [consuming:](argmax|threshold=T|argmax+threshold=T)}, see LinkRule
 * @param pendingStoreName        {@value #PENDING_STORE} (default {@code pending-translations}): the changelogged
 *                                store of inputs not yet answered; renaming it loses what is pending
 */
public record TopologyConfig(String inputTopic, String translationsTopic, String alignmentsTopic,
                             String deadLetterTopic, Optional<String> defaultTargetLanguage, int maxTextChars,
                             BatchPolicy batchPolicy, Duration punctuationInterval, Duration offerTimeout,
                             Duration offerMaxBlock, PausePolicy pausePolicy, KeepPolicy keepPolicy,
                             Optional<LinkRule> linkRule, String pendingStoreName) {

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
    public static final String PUNCTUATION_INTERVAL_MS = "streamlate.punctuation.interval.ms";
    public static final String OFFER_TIMEOUT_MS = "streamlate.offer.timeout.ms";
    public static final String OFFER_MAX_BLOCK_MS = "streamlate.offer.max.block.ms";
    public static final String PAUSE_AT_QUEUED = "streamlate.backpressure.pause.queued";
    public static final String RESUME_BELOW_QUEUED = "streamlate.backpressure.resume.queued";
    public static final String KEEP_MASS_PERMILLE = "streamlate.alignment.keep.mass.permille";
    public static final String KEEP_MAX = "streamlate.alignment.keep.max";
    public static final String LINK_RULE = "streamlate.alignment.link.rule";
    public static final String PENDING_STORE = "streamlate.store.pending";

    /** Keys with the {@code streamlate.} prefix that belong to other parts (the Avro serdes). */
    private static final Set<String> FOREIGN_KEYS = Set.of("streamlate.serde.max.payload.bytes");
    private static final Set<String> KEYS = Set.of(INPUT_TOPIC, TRANSLATIONS_TOPIC, ALIGNMENTS_TOPIC,
            DEAD_LETTER_TOPIC, DEFAULT_TARGET_LANGUAGE, MAX_TEXT_CHARS, BATCH_MAX_SENTENCES, BATCH_MAX_TOKENS,
            BATCH_MAX_DELAY_MS, BATCH_MAX_QUEUED, BATCH_WORKERS, PUNCTUATION_INTERVAL_MS, OFFER_TIMEOUT_MS,
            OFFER_MAX_BLOCK_MS, PAUSE_AT_QUEUED, RESUME_BELOW_QUEUED, KEEP_MASS_PERMILLE, KEEP_MAX, LINK_RULE,
            PENDING_STORE);
    private static final int MAX_MILLIS = 60_000;

    /** Every value checked, as {@link #from} does; messages name the field. */
    public TopologyConfig {
        Objects.requireNonNull(defaultTargetLanguage, "defaultTargetLanguage");
        Objects.requireNonNull(batchPolicy, "batchPolicy");
        Objects.requireNonNull(punctuationInterval, "punctuationInterval");
        Objects.requireNonNull(offerTimeout, "offerTimeout");
        Objects.requireNonNull(offerMaxBlock, "offerMaxBlock");
        Objects.requireNonNull(pausePolicy, "pausePolicy");
        Objects.requireNonNull(keepPolicy, "keepPolicy");
        Objects.requireNonNull(linkRule, "linkRule");
        inputTopic = topicName(INPUT_TOPIC, inputTopic);
        translationsTopic = topicName(TRANSLATIONS_TOPIC, translationsTopic);
        alignmentsTopic = topicName(ALIGNMENTS_TOPIC, alignmentsTopic);
        deadLetterTopic = topicName(DEAD_LETTER_TOPIC, deadLetterTopic);
        if (new HashSet<>(List.of(inputTopic, translationsTopic, alignmentsTopic, deadLetterTopic)).size() != 4) {
            throw new ConfigException("the four topics (" + INPUT_TOPIC + ", " + TRANSLATIONS_TOPIC + ", "
                    + ALIGNMENTS_TOPIC + ", " + DEAD_LETTER_TOPIC + ") must be distinct");
        }
        defaultTargetLanguage.ifPresent(language -> {
            if (language.isBlank()) {
                throw new ConfigException(DEFAULT_TARGET_LANGUAGE, language, "must not be blank");
            }
        });
        check(maxTextChars >= 1 && maxTextChars <= 1_000_000, MAX_TEXT_CHARS, maxTextChars, "between 1 and 1000000");
        check(!punctuationInterval.isNegative() && !punctuationInterval.isZero()
                        && punctuationInterval.toMillis() <= MAX_MILLIS, PUNCTUATION_INTERVAL_MS,
                punctuationInterval.toMillis(), "between 1 and " + MAX_MILLIS);
        check(!offerTimeout.isNegative() && !offerTimeout.isZero() && offerTimeout.toMillis() <= MAX_MILLIS,
                OFFER_TIMEOUT_MS, offerTimeout.toMillis(), "between 1 and " + MAX_MILLIS);
        check(!offerMaxBlock.isNegative() && offerMaxBlock.toMillis() <= MAX_MILLIS, OFFER_MAX_BLOCK_MS,
                offerMaxBlock.toMillis(), "between 0 and " + MAX_MILLIS);
        check(pausePolicy.pauseAtQueued() <= batchPolicy.maxQueued(), PAUSE_AT_QUEUED, pausePolicy.pauseAtQueued(),
                "at most " + BATCH_MAX_QUEUED + " = " + batchPolicy.maxQueued());
        pendingStoreName = Objects.requireNonNull(pendingStoreName, "pendingStoreName").trim();
        check(pendingStoreName.matches("[A-Za-z0-9._-]+"), PENDING_STORE, pendingStoreName,
                "made of letters, digits, '.', '_' and '-'");
    }

    /** All defaults, with the given default target language (may be null). */
    public static TopologyConfig defaults(String defaultTargetLanguage) {
        Properties properties = new Properties();
        if (defaultTargetLanguage != null) {
            properties.setProperty(DEFAULT_TARGET_LANGUAGE, defaultTargetLanguage);
        }
        return from(properties);
    }

    /** @throws ConfigException naming the first key whose value is missing, malformed or out of bounds */
    public static TopologyConfig from(Properties properties) {
        Set<String> unknown = new TreeSet<>();
        for (String key : properties.stringPropertyNames()) {
            if (key.startsWith(PREFIX) && !KEYS.contains(key) && !FOREIGN_KEYS.contains(key)) {
                unknown.add(key);
            }
        }
        if (!unknown.isEmpty()) {
            throw new ConfigException(unknown.iterator().next(), properties.getProperty(unknown.iterator().next()),
                    "unknown streamlate key (known: " + new TreeSet<>(KEYS) + ")");
        }
        Function<String, Optional<String>> get = key -> Optional.ofNullable(properties.getProperty(key))
                .map(String::trim);
        BatchPolicy defaults = BatchPolicy.DEFAULT;
        int maxSentences = integer(get, BATCH_MAX_SENTENCES, defaults.maxSentences());
        BatchPolicy policy;
        try {
            policy = new BatchPolicy(maxSentences,
                    integer(get, BATCH_MAX_TOKENS, defaults.maxTokens()),
                    Duration.ofMillis(integer(get, BATCH_MAX_DELAY_MS, (int) defaults.maxDelay().toMillis())),
                    integer(get, BATCH_MAX_QUEUED, Math.max(defaults.maxQueued(), 4 * maxSentences)),
                    integer(get, BATCH_WORKERS, defaults.workers()));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(batchKey(e.getMessage()) + ": " + e.getMessage());
        }
        PausePolicy pauseDefaults = PausePolicy.forQueue(policy.maxQueued());
        PausePolicy pause;
        try {
            pause = new PausePolicy(integer(get, PAUSE_AT_QUEUED, pauseDefaults.pauseAtQueued()),
                    integer(get, RESUME_BELOW_QUEUED, pauseDefaults.resumeBelowQueued()));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(RESUME_BELOW_QUEUED + " and " + PAUSE_AT_QUEUED + ": " + e.getMessage());
        }
        int keepMass = integer(get, KEEP_MASS_PERMILLE, KeepPolicy.DEFAULT.massPermille());
        KeepPolicy keep;
        try {
            keep = new KeepPolicy(keepMass, integer(get, KEEP_MAX, KeepPolicy.DEFAULT.maxKept()));
        } catch (IllegalArgumentException e) {
            throw new ConfigException((e.getMessage().startsWith("massPermille") ? KEEP_MASS_PERMILLE : KEEP_MAX)
                    + ": " + e.getMessage());
        }
        Optional<LinkRule> linkRule;
        try {
            linkRule = get.apply(LINK_RULE).map(LinkRule::parse);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(LINK_RULE, properties.getProperty(LINK_RULE), e.getMessage());
        }
        return new TopologyConfig(
                get.apply(INPUT_TOPIC).orElse("sentences"),
                get.apply(TRANSLATIONS_TOPIC).orElse("translations"),
                get.apply(ALIGNMENTS_TOPIC).orElse("alignments"),
                get.apply(DEAD_LETTER_TOPIC).orElse("sentences-dlq"),
                get.apply(DEFAULT_TARGET_LANGUAGE),
                integer(get, MAX_TEXT_CHARS, 5000),
                policy,
                Duration.ofMillis(integer(get, PUNCTUATION_INTERVAL_MS, 10)),
                Duration.ofMillis(integer(get, OFFER_TIMEOUT_MS, 200)),
                Duration.ofMillis(integer(get, OFFER_MAX_BLOCK_MS, 5000)),
                pause,
                keep,
                linkRule,
                get.apply(PENDING_STORE).orElse("pending-translations"));
    }

    /** The same configuration with another batch policy, and the default pause policy for its queue. */
    public TopologyConfig withBatchPolicy(BatchPolicy value) {
        return new TopologyConfig(inputTopic, translationsTopic, alignmentsTopic, deadLetterTopic,
                defaultTargetLanguage, maxTextChars, value, punctuationInterval, offerTimeout, offerMaxBlock,
                PausePolicy.forQueue(value.maxQueued()), keepPolicy, linkRule, pendingStoreName);
    }

    /** The same configuration with another bound on process()'s wait. */
    public TopologyConfig withOfferMaxBlock(Duration value) {
        return new TopologyConfig(inputTopic, translationsTopic, alignmentsTopic, deadLetterTopic,
                defaultTargetLanguage, maxTextChars, batchPolicy, punctuationInterval, offerTimeout, value,
                pausePolicy, keepPolicy, linkRule, pendingStoreName);
    }

    /** The engine options for a model: its published defaults, with this configuration's link rule if one is set. */
    public TranslationOptions engineOptions(Translator translator) {
        TranslationOptions defaults = translator.defaultOptions();
        return linkRule.map(defaults::withLinkRule).orElse(defaults);
    }

    private static String batchKey(String message) {
        Map<String, String> keys = Map.of("maxSentences", BATCH_MAX_SENTENCES, "maxTokens", BATCH_MAX_TOKENS,
                "maxDelay", BATCH_MAX_DELAY_MS, "maxQueued", BATCH_MAX_QUEUED, "workers", BATCH_WORKERS);
        return keys.entrySet().stream().filter(e -> message.contains("BatchPolicy." + e.getKey() + " "))
                .map(Map.Entry::getValue).findFirst().orElse("streamlate.batch.*");
    }

    private static int integer(Function<String, Optional<String>> get, String key, int fallback) {
        Optional<String> text = get.apply(key);
        if (text.isEmpty()) {
            return fallback;
        }
        try {
            return Integer.parseInt(text.get());
        } catch (NumberFormatException e) {
            throw new ConfigException(key, text.get(), "must be an integer");
        }
    }

    private static String topicName(String key, String name) {
        if (name == null || !name.matches("[A-Za-z0-9._-]{1,249}") || name.equals(".") || name.equals("..")) {
            throw new ConfigException(key, name, "is not a legal Kafka topic name");
        }
        return name;
    }

    private static void check(boolean ok, String key, Object value, String bound) {
        if (!ok) {
            throw new ConfigException(key, value, "must be " + bound);
        }
    }
}
