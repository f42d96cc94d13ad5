package io.streamlate.bench;

import io.streamlate.schemas.alignment.AttentionEncoder;
import io.streamlate.schemas.alignment.AttentionEncoderV1;
import io.streamlate.schemas.alignment.KeepPolicy;

import java.util.function.Function;

/** The attention codec versions the benchmark compares, each as an encoder for a keep policy. */
enum CodecFormat {
    V2 {
        @Override
        Function<float[][], byte[]> encoder(KeepPolicy policy) {
            return new AttentionEncoder(policy)::encode;
        }
    },
    V1 {
        @Override
        Function<float[][], byte[]> encoder(KeepPolicy policy) {
            return new AttentionEncoderV1(policy)::encode;
        }
    };

    abstract Function<float[][], byte[]> encoder(KeepPolicy policy);
}
