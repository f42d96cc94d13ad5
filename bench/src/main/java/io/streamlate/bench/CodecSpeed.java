package io.streamlate.bench;

import io.streamlate.schemas.alignment.AttentionDecoder;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Median encode and decode throughput over all matrices. MB/s counts the raw float32 size of the matrices, so
 * both directions are measured against the same amount of attention.
 */
record CodecSpeed(double encodeMatricesPerSecond, double encodeMegabytesPerSecond,
                  double decodeMatricesPerSecond, double decodeMegabytesPerSecond) {

    static CodecSpeed measure(Function<float[][], byte[]> encoder, List<float[][]> matrices, List<byte[]> payloads,
                              long float32Bytes, int repeats) {
        // one untimed pass of each, so the JIT has compiled both before the clock runs
        matrices.forEach(encoder::apply);
        payloads.forEach(AttentionDecoder::decode);
        List<Double> encodeSeconds = new ArrayList<>();
        List<Double> decodeSeconds = new ArrayList<>();
        for (int r = 0; r < repeats; r++) {
            long began = System.nanoTime();
            matrices.forEach(encoder::apply);
            encodeSeconds.add((System.nanoTime() - began) / 1e9);
            began = System.nanoTime();
            payloads.forEach(AttentionDecoder::decode);
            decodeSeconds.add((System.nanoTime() - began) / 1e9);
        }
        double encode = JavaRunner.median(encodeSeconds);
        double decode = JavaRunner.median(decodeSeconds);
        double megabytes = float32Bytes / 1e6;
        return new CodecSpeed(matrices.size() / encode, megabytes / encode,
                matrices.size() / decode, megabytes / decode);
    }
}
