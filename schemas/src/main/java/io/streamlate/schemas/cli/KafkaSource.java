package io.streamlate.schemas.cli;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Reads every partition of the given topics from the start, or from a group's committed offsets. Partitions are
 * assigned, not balanced through the group, so every run sees all of them. Without {@code follow} it ends at the
 * end offsets it found when it started (the last stable offsets: the consumer reads committed records only); with
 * {@code follow} it polls until {@link #stop()}.
 */
final class KafkaSource implements RecordSource {

    private static final Duration POLL = Duration.ofMillis(200);

    private final Consumer<byte[], byte[]> consumer;
    private final List<String> topics;
    private final boolean follow;
    private final Optional<String> group;
    private final WireRecordDecoder decoder;
    private final Map<TopicPartition, OffsetAndMetadata> toCommit = new HashMap<>();
    private volatile boolean stopping;

    /** @param group the group whose committed offsets are read at the start and written as records are handed on */
    KafkaSource(Consumer<byte[], byte[]> consumer, List<String> topics, boolean follow, Optional<String> group,
                WireRecordDecoder decoder) {
        this.consumer = consumer;
        this.topics = List.copyOf(topics);
        this.follow = follow;
        this.group = group;
        this.decoder = decoder;
    }

    @Override
    public void readInto(Predicate<ReadOutcome> wantsMore) {
        try {
            List<TopicPartition> partitions = partitions();
            consumer.assign(partitions);
            seekToStart(partitions);
            Map<TopicPartition, Long> ends = follow ? Map.of() : consumer.endOffsets(partitions);
            boolean more = true;
            while (more && !stopping && (follow || !reached(ends))) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
                    if (!follow && record.offset() >= ends.get(new TopicPartition(record.topic(),
                            record.partition()))) {
                        continue;
                    }
                    more = wantsMore.test(decoder.decode(record));
                    toCommit.put(new TopicPartition(record.topic(), record.partition()),
                            new OffsetAndMetadata(record.offset() + 1));
                    if (!more) {
                        break;
                    }
                }
                commit();
            }
        } catch (WakeupException stopped) {
            // stop() woke a blocking call: what was handed on so far still gets committed
        }
        finalCommit();
    }

    @Override
    public void stop() {
        stopping = true;
        consumer.wakeup();
    }

    @Override
    public void close() {
        consumer.close();
    }

    private List<TopicPartition> partitions() {
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : new HashSet<>(topics)) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic);
            if (infos == null || infos.isEmpty()) {
                throw new KafkaException("topic " + topic + " does not exist");
            }
            infos.forEach(info -> partitions.add(new TopicPartition(info.topic(), info.partition())));
        }
        return partitions;
    }

    private void seekToStart(List<TopicPartition> partitions) {
        Map<TopicPartition, OffsetAndMetadata> committed = group.isPresent()
                ? consumer.committed(new HashSet<>(partitions)) : Map.of();
        for (TopicPartition partition : partitions) {
            OffsetAndMetadata offset = committed.get(partition);
            if (offset == null) {
                consumer.seekToBeginning(List.of(partition));
            } else {
                consumer.seek(partition, offset);
            }
        }
    }

    private boolean reached(Map<TopicPartition, Long> ends) {
        return ends.entrySet().stream().allMatch(end -> consumer.position(end.getKey()) >= end.getValue());
    }

    private void commit() {
        if (group.isPresent() && !toCommit.isEmpty()) {
            consumer.commitSync(toCommit);
            toCommit.clear();
        }
    }

    /** The last commit, retried once if a late {@link #stop()} woke it. */
    private void finalCommit() {
        try {
            commit();
        } catch (WakeupException lateStop) {
            commit();
        }
    }
}
