package io.streamlate.model.onnx;

import ai.onnxruntime.OrtEnvironment;
import io.streamlate.model.TestModels;
import io.streamlate.model.TranslationOptions;
import io.streamlate.model.TranslationOutcome;
import io.streamlate.model.TranslationResult;
import io.streamlate.model.Translator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.FloatBuffer;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class DirectBufferPoolTest {

    private static final List<String> SENTENCES = List.of("Open the file in a new window.", "Save",
            "The quick brown fox jumps over the lazy dog.", "Could not connect to the server.", "I love you.",
            "The package contains the development files for the library.", "No");

    @ParameterizedTest(name = "beam {0}")
    @ValueSource(ints = {1, 3})
    void translationsOnReusedBuffersAreThoseOnFreshOnes(int beam) {
        // two sentences at a time: admissions and gathers reuse the buffers that finished sentences released
        TranslationOptions options = TranslationOptions.DEFAULT.withBeamSize(beam).withBatchLimits(1000, 2);
        SessionSettings settings = SessionSettings.DEFAULT.withThreads(1, 1);
        try (Translator pooled = Translator.open(TestModels.TINY, settings);
             Translator fresh = Translator.open(TestModels.TINY, settings.withBufferPoolBytes(0))) {
            List<TranslationOutcome> first = pooled.translateBatch(SENTENCES, options);
            List<TranslationOutcome> reused = pooled.translateBatch(SENTENCES, options);
            List<TranslationOutcome> unpooled = fresh.translateBatch(SENTENCES, options);
            for (int i = 0; i < SENTENCES.size(); i++) {
                TranslationResult expected = unpooled.get(i).orThrow();
                for (TranslationResult actual : List.of(first.get(i).orThrow(), reused.get(i).orThrow())) {
                    assertThat(actual.targetIds()).as("sentence %d", i).isEqualTo(expected.targetIds());
                    assertThat(actual.score()).as("sentence %d", i).isEqualTo(expected.score());
                    assertThat(actual.attention()).as("sentence %d", i).isDeepEqualTo(expected.attention());
                }
            }
        }
    }

    @Test
    void aBufferGivenBackIsHandedOutAgainForAnySizeItHolds() {
        DirectBufferPool pool = new DirectBufferPool(DirectBufferPool.DEFAULT_RETAINED_BYTES);
        FloatBuffer first = pool.take(1000);
        assertThat(first.isDirect()).isTrue();
        assertThat(first.position()).isZero();
        assertThat(first.limit()).isEqualTo(1000);
        assertThat(first.capacity()).as("rounded up to a power of two").isEqualTo(1024);
        pool.give(first);

        FloatBuffer again = pool.take(700);
        assertThat(again).isSameAs(first);
        assertThat(again.limit()).isEqualTo(700);
        assertThat(pool.take(700)).as("a buffer is handed out once").isNotSameAs(first);
    }

    @Test
    void theSmallestBufferThatFitsIsTaken() {
        DirectBufferPool pool = new DirectBufferPool(DirectBufferPool.DEFAULT_RETAINED_BYTES);
        FloatBuffer large = pool.take(4096);
        FloatBuffer small = pool.take(512);
        pool.give(large);
        pool.give(small);

        assertThat(pool.take(300)).isSameAs(small);
        assertThat(pool.take(300)).isSameAs(large);
        assertThat(pool.take(5000).capacity()).as("nothing pooled fits: a new one").isEqualTo(8192);
    }

    @Test
    void buffersBeyondTheRetentionBoundAreNotKept() {
        DirectBufferPool pool = new DirectBufferPool(Float.BYTES * 2048L);
        FloatBuffer a = pool.take(1024);
        FloatBuffer b = pool.take(1024);
        FloatBuffer c = pool.take(1024);
        pool.give(a);
        pool.give(b);
        pool.give(c);

        assertThat(pool.retainedBytes()).isEqualTo(Float.BYTES * 2048L);
        FloatBuffer first = pool.take(1024);
        FloatBuffer second = pool.take(1024);
        // identity, not equals(): a buffer's equals compares its contents
        assertThat(first == a || first == b).as("the first kept buffer").isTrue();
        assertThat(second == a || second == b).as("the second kept buffer").isTrue();
        assertThat(second).isNotSameAs(first);
        assertThat(pool.take(1024)).isNotSameAs(a).isNotSameAs(b).isNotSameAs(c);
        assertThat(pool.retainedBytes()).isZero();
    }

    @Test
    void statesOnReusedBuffersHaveZeroPaddingWhateverTheBuffersHeld() {
        OrtEnvironment environment = OrtEnvironment.getEnvironment();
        DirectBufferPool pool = new DirectBufferPool(DirectBufferPool.DEFAULT_RETAINED_BYTES);
        int width = 3;
        FloatBuffer memoryBuffer = pool.take(2 * 4 * width);
        FloatBuffer maskBuffer = pool.take(2 * 4);
        for (FloatBuffer buffer : List.of(memoryBuffer, maskBuffer)) {
            buffer.limit(buffer.capacity());
            for (int i = 0; i < buffer.capacity(); i++) {
                buffer.put(i, 7f);
            }
            pool.give(buffer);
        }
        try (EncoderStates source = EncoderStates.allocate(environment, pool, new int[] {1, 4}, width)) {
            FloatMatrix memory = Tensors.rows(source.memory(), 2);
            FloatMatrix mask = Tensors.rows(source.mask(), 2);
            for (int t = 1; t < 4; t++) {
                assertThat(mask.get(0, t)).as("mask at padded position %d", t).isZero();
                for (int m = 0; m < width; m++) {
                    assertThat(memory.get(0, t * width + m)).as("memory at padded position %d", t).isZero();
                }
            }
            assertThat(pool.retainedBytes()).as("both pooled buffers in use").isZero();
        }
    }

    @Test
    void closingStatesTwiceGivesTheirBuffersBackOnce() {
        DirectBufferPool pool = new DirectBufferPool(DirectBufferPool.DEFAULT_RETAINED_BYTES);
        EncoderStates states = EncoderStates.allocate(OrtEnvironment.getEnvironment(), pool, new int[] {2}, 4);
        states.close();
        long once = pool.retainedBytes();
        states.close();

        assertThat(once).isPositive();
        assertThat(pool.retainedBytes()).isEqualTo(once);
    }
}
