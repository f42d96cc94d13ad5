package io.streamlate.topology;

import org.apache.kafka.common.serialization.Serde;

import java.util.Objects;

/**
 * A topic's name with the serdes of its keys and values, so code and tests never pair a topic with the wrong
 * serde. Immutable: the serdes are configured once, when the {@link Topics} are built.
 */
public record TopicSpec<K, V>(String name, Serde<K> keySerde, Serde<V> valueSerde) {

    public TopicSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(keySerde, "keySerde");
        Objects.requireNonNull(valueSerde, "valueSerde");
    }
}
