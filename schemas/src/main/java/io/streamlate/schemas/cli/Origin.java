package io.streamlate.schemas.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.file.Path;

/** Where a record was read, for the reports on stderr and for the {@code kafka} or {@code file} field of its line. */
sealed interface Origin {

    /** Names the place in the report of a skipped record, e.g. {@code alignments-0@42}. */
    String describe();

    /** Adds the place to the record's JSON line. */
    void addTo(ObjectNode line);

    /** A Kafka record; {@code timestamp} in epoch milliseconds. */
    record Kafka(String topic, int partition, long offset, long timestamp) implements Origin {

        @Override
        public String describe() {
            return topic + "-" + partition + "@" + offset;
        }

        @Override
        public void addTo(ObjectNode line) {
            line.putObject("kafka").put("topic", topic).put("partition", partition).put("offset", offset)
                    .put("timestamp", timestamp);
        }
    }

    /**
     * A record of an Avro container file: the block by the byte position it starts at (right after the sync marker
     * before it), the record by its zero-based index in that block; {@code record} is -1 for the block as a whole.
     */
    record FileBlock(Path file, long blockStart, int record) implements Origin {

        static final int WHOLE_BLOCK = -1;

        @Override
        public String describe() {
            return file + " block at byte " + blockStart + (record == WHOLE_BLOCK ? "" : ", record " + record);
        }

        @Override
        public void addTo(ObjectNode line) {
            line.putObject("file").put("path", file.toString()).put("block_start", blockStart).put("record", record);
        }
    }
}
