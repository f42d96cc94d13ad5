package io.streamlate.bench;

import io.streamlate.schemas.alignment.AttentionDecoder;
import io.streamlate.schemas.alignment.KeepPolicy;

import java.util.List;
import java.util.function.Function;

/** One codec format under one keep policy over the benchmark's matrices: its loss, and its speed if timed. */
record CodecRun(CodecFormat format, KeepPolicy policy, CodecQuality quality, CodecSpeed speed) {

    /** @param repeats timed repeats; 0 measures size and loss only, and leaves {@link #speed()} null */
    static CodecRun measure(CodecFormat format, KeepPolicy policy, List<float[][]> matrices, int repeats) {
        Function<float[][], byte[]> encoder = format.encoder(policy);
        List<byte[]> payloads = matrices.stream().map(encoder).toList();
        CodecQuality quality = CodecQuality.measure(matrices, payloads.stream().map(AttentionDecoder::decode).toList(),
                payloads);
        CodecSpeed speed = repeats == 0 ? null
                : CodecSpeed.measure(encoder, matrices, payloads, quality.float32Bytes(), repeats);
        return new CodecRun(format, policy, quality, speed);
    }
}
