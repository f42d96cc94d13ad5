package io.streamlate.schemas.alignment;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

    /** Both formats the encoders write, as functions of the keep policy. */
    enum Format {
        V1 {
            @Override
            byte[] encode(KeepPolicy policy, float[][] matrix) {
                return new AttentionEncoderV1(policy).encode(matrix);
            }
        },
        V2 {
            @Override
            byte[] encode(KeepPolicy policy, float[][] matrix) {
                return new AttentionEncoder(policy).encode(matrix);
            }
        };

        abstract byte[] encode(KeepPolicy policy, float[][] matrix);
    }

    static Stream<Arguments> randomMatrices() {
        Random random = new Random(42);
        List<Arguments> cases = new ArrayList<>();
        for (double temperature : new double[] {0.1, 0.5, 1, 5, 100}) {
            for (int i = 0; i < 20; i++) {
                float[][] matrix = Matrices.softmaxRows(random, 1 + random.nextInt(40), 1 + random.nextInt(60),
                        temperature);
                for (KeepPolicy policy : POLICIES) {
                    for (Format format : Format.values()) {
                        cases.add(Arguments.of("T=" + temperature + " #" + i, format, policy, matrix));
                    }
                }
            }
        }
        return cases.stream();
    }

    static Stream<Arguments> adversarialMatrices() {
        List<Arguments> cases = new ArrayList<>();
        for (KeepPolicy policy : POLICIES) {
            for (Format format : Format.values()) {
                adversarialCases().forEach((name, matrix) -> cases.add(Arguments.of(name, format, policy, matrix)));
            }
        }
        return cases.stream();
    }

    private static Map<String, float[][]> adversarialCases() {
        Map<String, float[][]> cases = new LinkedHashMap<>();
        cases.put("1x1", new float[][] {{1f}});
        cases.put("one-hot", new float[][] {{0, 0, 1, 0}, {1, 0, 0, 0}, {0, 0, 0, 1}});
        cases.put("uniform", new float[][] {uniform(7), uniform(7)});
        cases.put("uniform pair", new float[][] {uniform(2)});
        cases.put("ties at the end", new float[][] {{0.1f, 0.1f, 0.4f, 0.4f}});
        cases.put("tie first and last", new float[][] {{0.45f, 0.05f, 0.05f, 0.45f}});
        cases.put("near-tie, earlier column rounds up to the argmax level",
                new float[][] {{0.3984f, 0.3996f, 0.2020f}});
        cases.put("near-tie one ulp apart",
                new float[][] {{0.5f, Math.nextUp(0.5f), 0f}, {Math.nextDown(0.5f), 0.5f, 0f}});
        cases.put("all zero", new float[][] {{0, 0, 0}, {0, -0f, 0}});
        cases.put("tiny weights", new float[][] {{1e-6f, 3e-6f, 2e-6f}});
        cases.put("rows not summing to 1", new float[][] {{0.2f, 0.3f, 0.1f}});
        cases.put("300 columns, argmax far right then far left", new float[][] {
                spike(300, 280, 0.7f), spike(300, 3, 0.6f), spike(300, 299, 1f)});
        cases.put("argmax of weight 1, the top level", new float[][] {{0f, 1f}, {1f, 0f}});
        cases.put("argmax below 1/255 after a column", new float[][] {{0.001f, 0.003f, 0.002f}});
        cases.put("weights just below the argmax on both sides", new float[][] {
                {0.333f, Math.nextUp(0.333f), 0.333f, 0f, 0f}, {0.2f, 0.2f, 0.2f, 0.2f, 0.2f}});
        return cases;
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource({"randomMatrices", "adversarialMatrices"})
    void everyRowKeepsItsArgmaxExactly(String name, Format format, KeepPolicy policy, float[][] matrix) {
        float[][] decoded = roundTrip(format, policy, matrix);

        for (int r = 0; r < matrix.length; r++) {
            assertThat(Matrices.argmax(decoded[r])).as("argmax of row %d", r).isEqualTo(Matrices.argmax(matrix[r]));
        }
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource({"randomMatrices", "adversarialMatrices"})
    void keptWeightsAreWithin1Over255AndDroppedMassWithinThePolicy(String name, Format format, KeepPolicy policy,
                                                                     float[][] matrix) {
        float[][] decoded = roundTrip(format, policy, matrix);

        for (int r = 0; r < matrix.length; r++) {
            int[] keptColumns = KeptColumns.byWeight(matrix[r], policy);
            Arrays.sort(keptColumns);
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

    @ParameterizedTest
    @EnumSource(Format.class)
    void preservesTheShapeOfEmptyAndZeroColumnMatrices(Format format) {
        assertThat(roundTrip(format, KeepPolicy.DEFAULT, new float[0][])).isEmpty();
        assertThat(roundTrip(format, KeepPolicy.DEFAULT, new float[3][0])).hasDimensions(3, 0);
    }

    @Test
    void aTrainedLookingMatrixIsFarSmallerThanFloat32AndSmallerInV2ThanInV1() {
        float[][] matrix = Matrices.softmaxRows(new Random(7), 30, 30, 0.3);

        byte[] v1 = Format.V1.encode(KeepPolicy.DEFAULT, matrix);
        byte[] v2 = Format.V2.encode(KeepPolicy.DEFAULT, matrix);

        assertThat(v1.length).isLessThan(30 * 30 * 4 / 4);
        assertThat(v2.length).isLessThan(v1.length);
    }

    @Test
    void keepsEveryNonZeroWeightUnderAFullMassPolicy() {
        float[][] matrix = {{0.25f, 0f, 0.25f, 0.5f}};

        assertThat(roundTrip(Format.V1, new KeepPolicy(1000, 16), matrix)[0])
                .containsExactly(64 / 255f, 0f, 64 / 255f, 128 / 255f);
        // 2/255 steps: 0.25 is 31.875 of them, 0.5 is 63.75; the earlier 0.25 is no tie with the argmax
        assertThat(roundTrip(Format.V2, new KeepPolicy(1000, 16), matrix)[0])
                .containsExactly(64 / 255f, 0f, 64 / 255f, 128 / 255f);
    }

    @Test
    void anEarlierColumnWithTheArgmaxLevelDecodesOneFloatStepBelowIt() {
        float[][] decoded = roundTrip(Format.V2, KeepPolicy.DEFAULT, new float[][] {{0.3984f, 0.3996f, 0.2020f}});

        assertThat(decoded[0]).containsExactly(Math.nextDown(102 / 255f), 102 / 255f, 52 / 255f);
    }

    @Test
    void anArgmaxBelowHalfAStepDecodesAsOneOver255() {
        float[][] decoded = roundTrip(Format.V2, new KeepPolicy(1000, 16), new float[][] {{0.001f, 0.003f}});

        assertThat(decoded[0]).containsExactly(0f, 1 / 255f);
    }

    @Test
    void v1BodyOfTheReadmeExampleMatchesTheSpecByteForByte() {
        byte[] body = new AttentionEncoderV1(ReadmeExample.POLICY).body(ReadmeExample.MATRIX);

        assertThat(HexFormat.of().formatHex(body)).isEqualTo(ReadmeExample.V1_BODY_HEX);
    }

    @Test
    void v1ReadmeExamplePayloadStillDecodesToTheDocumentedMatrix() {
        byte[] payload = HexFormat.of().parseHex(ReadmeExample.V1_PAYLOAD_HEX);

        float[][] decoded = AttentionDecoder.decode(payload);

        assertThat(decoded).isDeepEqualTo(ReadmeExample.V1_DECODED);
    }

    @Test
    void v2PayloadOfTheReadmeExampleMatchesTheSpecByteForByte() {
        byte[] payload = new AttentionEncoder(ReadmeExample.POLICY).encode(ReadmeExample.MATRIX);

        assertThat(HexFormat.of().formatHex(payload)).isEqualTo(ReadmeExample.V2_PAYLOAD_HEX);
        assertThat(AttentionDecoder.decode(payload)).isDeepEqualTo(ReadmeExample.V2_DECODED);
    }

    @Test
    void readmeShowsTheBytesOfBothExamples() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        String body = readme.substring(readme.indexOf("Body (17 bytes)"), readme.indexOf("Payload (26 bytes"));

        // the body block annotates each row after its bytes; only the leading hex pairs are bytes
        StringBuilder bodyHex = new StringBuilder();
        Matcher line = Pattern.compile("(?m)^((?:[0-9a-f]{2} )+)\\s").matcher(body);
        while (line.find()) {
            bodyHex.append(line.group(1).replace(" ", ""));
        }
        assertThat(bodyHex).hasToString(ReadmeExample.V1_BODY_HEX);
        assertThat(readme).contains(spaced(ReadmeExample.V1_PAYLOAD_HEX), spaced(ReadmeExample.V2_PAYLOAD_HEX));
    }

    @Test
    void v1EncoderOutputIsTheVersionByteThenAZlibStreamOfTheBody() {
        AttentionEncoderV1 encoder = new AttentionEncoderV1(KeepPolicy.DEFAULT);

        byte[] payload = encoder.encode(ReadmeExample.MATRIX);

        assertThat(payload[0]).isEqualTo((byte) AttentionFormat.VERSION_1);
        assertThat(Payloads.inflate(payload)).isEqualTo(encoder.body(ReadmeExample.MATRIX));
    }

    @ParameterizedTest
    @EnumSource(Format.class)
    void rejectsMatricesItCannotRepresent(Format format) {
        assertThatThrownBy(() -> format.encode(KeepPolicy.DEFAULT, new float[][] {{0.5f, Float.NaN}}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[0][1] = NaN");
        assertThatThrownBy(() -> format.encode(KeepPolicy.DEFAULT, new float[][] {{-0.1f}}))
                .hasMessageContaining("not in [0, 1]");
        assertThatThrownBy(() -> format.encode(KeepPolicy.DEFAULT, new float[][] {{1.5f}}))
                .hasMessageContaining("not in [0, 1]");
        assertThatThrownBy(() -> format.encode(KeepPolicy.DEFAULT, new float[][] {{1f, 0f}, {1f}}))
                .hasMessageContaining("row 1");
        assertThatThrownBy(() -> format.encode(KeepPolicy.DEFAULT, new float[][] {{1f}, null}))
                .hasMessageContaining("row 1 is null");
        assertThatThrownBy(() -> format.encode(KeepPolicy.DEFAULT, new float[2048][1024]))
                .hasMessageContaining("exceeds");
    }

    @Test
    void rejectsOutOfRangeKeepPolicies() {
        assertThatThrownBy(() -> new KeepPolicy(0, 4)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new KeepPolicy(1001, 4)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new KeepPolicy(980, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    private static float[][] roundTrip(Format format, KeepPolicy policy, float[][] matrix) {
        byte[] payload = format.encode(policy, matrix);
        assertThat(payload[0]).isEqualTo((byte) (format == Format.V1 ? 1 : 2));
        float[][] decoded = AttentionDecoder.decode(payload);
        assertThat(decoded.length).isEqualTo(matrix.length);
        for (int r = 0; r < matrix.length; r++) {
            assertThat(decoded[r]).hasSameSizeAs(matrix[r]);
        }
        return decoded;
    }

    private static String spaced(String hex) {
        return HexFormat.ofDelimiter(" ").formatHex(HexFormat.of().parseHex(hex));
    }

    private static float[] uniform(int columns) {
        float[] row = new float[columns];
        Arrays.fill(row, 1f / columns);
        return row;
    }

    /** {@code peak} at {@code at}, the rest spread evenly over the other columns. */
    private static float[] spike(int columns, int at, float peak) {
        float[] row = new float[columns];
        Arrays.fill(row, (1 - peak) / (columns - 1));
        row[at] = peak;
        return row;
    }
}
