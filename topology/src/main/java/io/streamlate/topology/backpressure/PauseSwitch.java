package io.streamlate.topology.backpressure;

import org.apache.kafka.streams.KafkaStreams;

/** What the controller pauses: Kafka Streams in the service, a stand-in in tests. */
public interface PauseSwitch {

    void pause();

    void resume();

    /**
     * {@link KafkaStreams#pause()}: the stream threads keep polling (so the group sees them alive and
     * {@code max.poll.interval.ms} is not at risk) but process no record and run no punctuator.
     */
    static PauseSwitch of(KafkaStreams streams) {
        return new PauseSwitch() {
            @Override
            public void pause() {
                streams.pause();
            }

            @Override
            public void resume() {
                streams.resume();
            }
        };
    }
}
