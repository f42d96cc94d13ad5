package io.streamlate.schemas.alignment;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class AttentionCodecTest {

    /** Float32 rounding of level / 255 may add a few ulps to the exact bound. */
    private static final double KEPT_ERROR_BOUND = 1.0 / 255 + 1e-6;

    private static final List<KeepPolicy> POLICIES = List.of(KeepPolicy.DEFAULT, new KeepPolicy(1000, 1000),
            new KeepPolicy(1, 1), new KeepPolicy(500, 3), new KeepPolicy(999, 2));

    static Stream<Arguments> randomMatrices() {
        Random random = new Random(42);
        List<Arguments> cases = new ArrayList<>();
        for (double temperature : new double[] {0.1, 0.5, 1, 5, 100}) {
            for (int i = 0; i < 20; i++) {
                float[][] matrix = Matrices.softmaxRows(random, 1 + random.nextInt(40), 1 + random.nextInt(60),
                        temperature);
                for (KeepPolicy policy : POLICIES) {
                    cases.add(Arguments.of("T=" + temperature + " #" + i, policy, matrix));
                }
            }
        }
        return cases.stream();
    }

    static Stream<Arguments> adversarialMatrices() {
        List<Arguments> cases = new ArrayList<>();
        for (KeepPolicy policy : POLICIES) {
            cases.add(Arguments.of("1x1", policy, new float[][] {{1f}}));
            cases.add(Arguments.of("one-hot", policy, new float[][] {{0, 0, 1, 0}, {1, 0, 0, 0}, {0, 0, 0, 1}}));
            cases.add(Arguments.of("uniform", policy, new float[][] {uniform(7), uniform(7)}));
            cases.add(Arguments.of("uniform pair", policy, new float[][] {uniform(2)}));
            cases.add(Arguments.of("ties at the end", policy, new float[][] {{0.1f, 0.1f, 0.4f, 0.4f}}));
            cases.add(Arguments.of("tie first and last", policy, new float[][] {{0.45f, 0.05f, 0.05f, 0.45f}}));
            cases.add(Arguments.of("near-tie, earlier column rounds up to the argmax level", policy,
                    new float[][] {{0.3984f, 0.3996f, 0.2020f}}));
            cases.add(Arguments.of("near-tie one ulp apart", policy,
                    new float[][] {{0.5f, Math.nextUp(0.5f), 0f}, {Math.nextDown(0.5f), 0.5f, 0f}}));
            cases.add(Arguments.of("all zero", policy, new float[][] {{0, 0, 0}, {0, -0f, 0}}));
            cases.add(Arguments.of("tiny weights", policy, new float[][] {{1e-6f, 3e-6f, 2e-6f}}));
            cases.add(Arguments.of("rows not summing to 1", policy, new float[][] {{0.2f, 0.3f, 0.1f}}));
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource({"randomMatrices", "adversarialMatrices"})
    void everyRowKeepsItsArgmaxExactly(String name, KeepPolicy policy, float[][] matrix) {
        float[][] decoded = roundTrip(policy, matrix);

        for (int r = 0; r < matrix.length; r++) {
            assertThat(Matrices.argmax(decoded[r])).as("argmax of row %d", r).isEqualTo(Matrices.argmax(matrix[r]));
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource({"randomMatrices", "adversarialMatrices"})
    void keptWeightsAreWithinOneLevelAndDroppedMassWithinThePolicy(String name, KeepPolicy policy,
                                                                     float[][] matrix) {
        float[][] decoded = roundTrip(policy, matrix);

        RowQuantiser quantiser = new RowQuantiser(policy);
        for (int r = 0; r < matrix.length; r++) {
            int[] keptColumns = quantiser.quantise(matrix[r]).columns();
            double rowMass = 0;
            double droppedMass = 0;
            double smallestKept = 1;
            for (int c = 0; c < matrix[r].length; c++) {
                rowMass += matrix[r][c];
                if (Arrays.binarySearch(keptColumns, c) >= 0) {
                    smallestKept = Math.min(smallestKept, matrix[r][c]);
                    assertThat((double) decoded[r][c]).isCloseTo(matrix[r][c], within(KEPT_ERROR_BOUND));
                } else {
                    droppedMass += matrix[r][c];
                    assertThat(decoded[r][c]).isZero();
                }
            }
            for (int c = 0; c < matrix[r].length; c++) {
                if (Arrays.binarySearch(keptColumns, c) < 0) {
                    assertThat(matrix[r][c]).isLessThanOrEqualTo((float) smallestKept);
                }
            }
            if (keptColumns.length < policy.maxKept()) {
                assertThat(droppedMass).isLessThanOrEqualTo((1000 - policy.massPermille()) / 1000.0 * rowMass + 1e-6);
            } else {
                assertThat(droppedMass).isLessThanOrEqualTo(rowMass - policy.maxKept() * smallestKept + 1e-6);
            }
        }
    }

    @Test
    void preservesTheShapeOfEmptyAndZeroColumnMatrices() {
        assertThat(roundTrip(KeepPolicy.DEFAULT, new float[0][])).isEmpty();
        assertThat(roundTrip(KeepPolicy.DEFAULT, new float[3][0])).hasDimensions(3, 0);
    }

    @Test
    void aTrainedLookingMatrixIsFarSmallerThanFloat32() {
        float[][] matrix = Matrices.softmaxRows(new Random(7), 30, 30, 0.3);

        byte[] payload = new AttentionEncoder(KeepPolicy.DEFAULT).encode(matrix);

        assertThat(payload.length).isLessThan(30 * 30 * 4 / 4);
    }

    @Test
    void keepsEveryNonZeroWeightUnderAFullMassPolicy() {
        float[][] matrix = {{0.25f, 0f, 0.25f, 0.5f}};

        float[][] decoded = roundTrip(new KeepPolicy(1000, 16), matrix);

        assertThat(decoded[0]).containsExactly(new float[] {64 / 255f, 0f, 64 / 255f, 128 / 255f});
    }

    @Test
    void bodyOfTheReadmeExampleMatchesTheSpecByteForByte() {
        byte[] body = new AttentionEncoder(KeepPolicy.DEFAULT).body(ReadmeExample.MATRIX);

        assertThat(HexFormat.of().formatHex(body)).isEqualTo(ReadmeExample.BODY_HEX);
    }

    @Test
    void readmeExamplePayloadDecodesToTheDocumentedMatrix() {
        byte[] payload = HexFormat.of().parseHex(ReadmeExample.PAYLOAD_HEX);

        float[][] decoded = AttentionDecoder.decode(payload);

        assertThat(decoded).isDeepEqualTo(ReadmeExample.DECODED);
    }

    @Test
    void readmeShowsTheBytesOfTheExample() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        String body = readme.substring(readme.indexOf("Body (17 bytes)"), readme.indexOf("Payload (26 bytes"));

        // the body block annotates each row after its bytes; only the leading hex pairs are bytes
        StringBuilder bodyHex = new StringBuilder();
        Matcher line = Pattern.compile("(?m)^((?:[0-9a-f]{2} )+)\\s").matcher(body);
        while (line.find()) {
            bodyHex.append(line.group(1).replace(" ", ""));
        }
        assertThat(bodyHex).hasToString(ReadmeExample.BODY_HEX);
        assertThat(readme).contains(HexFormat.ofDelimiter(" ").formatHex(HexFormat.of().parseHex(
                ReadmeExample.PAYLOAD_HEX)));
    }

    @Test
    void encoderOutputIsTheVersionByteThenAZlibStreamOfTheBody() {
        float[][] matrix = ReadmeExample.MATRIX;
        AttentionEncoder encoder = new AttentionEncoder(KeepPolicy.DEFAULT);

        byte[] payload = encoder.encode(matrix);

        assertThat(payload[0]).isEqualTo((byte) AttentionFormat.VERSION);
        assertThat(Payloads.inflate(payload)).isEqualTo(encoder.body(matrix));
    }

    @Test
    void rejectsMatricesItCannotRepresent() {
        AttentionEncoder encoder = new AttentionEncoder(KeepPolicy.DEFAULT);

        assertThatThrownBy(() -> encoder.encode(new float[][] {{0.5f, Float.NaN}}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[0][1] = NaN");
        assertThatThrownBy(() -> encoder.encode(new float[][] {{-0.1f}})).hasMessageContaining("not in [0, 1]");
        assertThatThrownBy(() -> encoder.encode(new float[][] {{1.5f}})).hasMessageContaining("not in [0, 1]");
        assertThatThrownBy(() -> encoder.encode(new float[][] {{1f, 0f}, {1f}})).hasMessageContaining("row 1");
        assertThatThrownBy(() -> encoder.encode(new float[][] {{1f}, null})).hasMessageContaining("row 1 is null");
        assertThatThrownBy(() -> encoder.encode(new float[2048][1024])).hasMessageContaining("exceeds");
    }

    @Test
    void rejectsOutOfRangeKeepPolicies() {
        assertThatThrownBy(() -> new KeepPolicy(0, 4)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new KeepPolicy(1001, 4)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new KeepPolicy(980, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    private static float[][] roundTrip(KeepPolicy policy, float[][] matrix) {
        float[][] decoded = AttentionDecoder.decode(new AttentionEncoder(policy).encode(matrix));
        assertThat(decoded.length).isEqualTo(matrix.length);
        for (int r = 0; r < matrix.length; r++) {
            assertThat(decoded[r]).hasSameSizeAs(matrix[r]);
        }
        return decoded;
    }

    private static float[] uniform(int columns) {
        float[] row = new float[columns];
        Arrays.fill(row, 1f / columns);
        return row;
    }
}
