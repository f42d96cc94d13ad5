package io.streamlate.schemas.alignment;

import io.streamlate.schemas.InvalidPayloadException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keeps the Python decoder of schemas/README.md and the package consumers import one and the same: every python block
 * of the README must be an excerpt of {@code python/streamlate_alignments/attention.py}, and that module runs on
 * payloads the Java encoders wrote, and on broken ones, of both versions: the same float32 bits where Java decodes,
 * a ValueError where Java throws {@link InvalidPayloadException}.
 */
class ReadmeDecoderTest {

    private static final Path PYTHON = Path.of("/usr/bin/python3");
    private static final Path PACKAGE_ROOT = Path.of("python");
    private static final Path ATTENTION_MODULE = PACKAGE_ROOT.resolve("streamlate_alignments/attention.py");
    private static final Pattern PYTHON_BLOCK = Pattern.compile("(?s)```python\n(.*?)```");
    private static final Pattern IMPORT_LINE = Pattern.compile("(?m)^(import|from) .*\n");
    private static final KeepPolicy[] POLICIES = {KeepPolicy.DEFAULT, new KeepPolicy(1000, 1000),
            new KeepPolicy(900, 4)};

    /**
     * Reads one hex payload a line; prints the shape and the float32 bit patterns of the cells, or "error" and the
     * type. Packing a float64 into "<f" would round it, so weights that are not float32 values are an error.
     */
    private static final String DRIVER = """
            import struct
            import sys
            from streamlate_alignments.attention import decode_attention
            for line in sys.stdin:
                try:
                    matrix = decode_attention(bytes.fromhex(line.strip()))
                except ValueError:
                    print("error ValueError")
                    continue
                except Exception as other:
                    print("error " + type(other).__name__)
                    continue
                weights = [w for row in matrix for w in row]
                if any(struct.unpack("<f", struct.pack("<f", w))[0] != w for w in weights):
                    print("error a weight is not a float32 value")
                    continue
                cells = [struct.unpack("<I", struct.pack("<f", w))[0] for w in weights]
                cols = len(matrix[0]) if matrix else 0
                print("ok", len(matrix), cols, " ".join(format(c, "x") for c in cells))
            """;

    @Test
    void everyPythonBlockOfTheReadmeIsAnExcerptOfTheAttentionModule() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        String module = Files.readString(ATTENTION_MODULE);

        List<String> blocks = new ArrayList<>();
        Matcher block = PYTHON_BLOCK.matcher(readme);
        while (block.find()) {
            blocks.add(IMPORT_LINE.matcher(block.group(1)).replaceAll("").strip());
        }

        assertThat(blocks).as("the README's decoders of versions 2 and 1")
                .anySatisfy(code -> assertThat(code).startsWith("def decode_attention_v2("))
                .anySatisfy(code -> assertThat(code).startsWith("def decode_attention_v1("));
        assertThat(blocks).allSatisfy(code -> assertThat(module).as("%s", ATTENTION_MODULE).contains(code));
    }

    @Test
    void thePythonDecoderAgreesWithTheJavaDecoderBitForBit(@TempDir Path dir) throws Exception {
        List<byte[]> payloads = new ArrayList<>(v2Payloads());
        payloads.addAll(v1Payloads());
        payloads.addAll(List.of(new byte[0], new byte[] {0}, new byte[] {3, 1, 1}, new byte[] {(byte) 0x81}));

        List<String> lines = runPythonDecoder(dir, payloads);

        assertThat(lines).hasSameSizeAs(payloads);
        int[] validPerVersion = new int[3];
        for (int i = 0; i < payloads.size(); i++) {
            assertThat(lines.get(i)).as("payload %s", HexFormat.of().formatHex(payloads.get(i)))
                    .isEqualTo(javaDecoding(payloads.get(i)));
            if (lines.get(i).startsWith("ok")) {
                validPerVersion[payloads.get(i)[0]]++;
            }
        }
        assertThat(validPerVersion[AttentionFormat.VERSION]).as("v2 payloads both decoders accept")
                .isGreaterThan(300);
        assertThat(validPerVersion[AttentionFormat.VERSION_1]).as("v1 payloads both decoders accept")
                .isGreaterThan(200);
    }

    private static List<byte[]> v2Payloads() {
        List<byte[]> payloads = new ArrayList<>();
        payloads.add(HexFormat.of().parseHex(ReadmeExample.V2_PAYLOAD_HEX));
        payloads.add(new AttentionEncoder(KeepPolicy.DEFAULT).encode(new float[0][]));
        payloads.add(new AttentionEncoder(KeepPolicy.DEFAULT).encode(new float[2][0]));
        payloads.add(new AttentionEncoder(KeepPolicy.DEFAULT).encode(new float[][] {{0.001f, 0.003f}, {0f, 0f}}));
        Random random = new Random(5);
        for (byte[] payload : encodedMatrices(random, 300,
                (policy, matrix) -> new AttentionEncoder(policy).encode(matrix))) {
            payloads.add(payload);
            payloads.addAll(brokenCopies(random, payload, 3));
        }
        for (int i = 0; i < 200; i++) {
            byte[] garbage = new byte[2 + random.nextInt(30)];
            random.nextBytes(garbage);
            garbage[0] = (byte) AttentionFormat.VERSION;
            garbage[1] = (byte) random.nextInt(5);
            payloads.add(garbage);
        }
        return payloads;
    }

    /** Version 1 as records already on the topics hold it, and bodies no encoder writes, zlib-wrapped. */
    private static List<byte[]> v1Payloads() {
        List<byte[]> payloads = new ArrayList<>();
        payloads.add(HexFormat.of().parseHex(ReadmeExample.V1_PAYLOAD_HEX));
        payloads.add(new AttentionEncoderV1(KeepPolicy.DEFAULT).encode(new float[0][]));
        payloads.add(new AttentionEncoderV1(KeepPolicy.DEFAULT).encode(new float[2][0]));
        payloads.add(new byte[] {AttentionFormat.VERSION_1});
        Random random = new Random(7);
        for (byte[] payload : encodedMatrices(random, 250,
                (policy, matrix) -> new AttentionEncoderV1(policy).encode(matrix))) {
            payloads.add(payload);
            payloads.addAll(brokenCopies(random, payload, 1));
        }
        payloads.add(Payloads.of(AttentionFormat.VERSION_1, Payloads.body(1, 0, 950, 8, 0)));
        payloads.add(Payloads.of(AttentionFormat.VERSION_1, Payloads.body(1, 2, 0, 8, 1, 0, 7)));
        payloads.add(Payloads.of(AttentionFormat.VERSION_1, Payloads.body(1, 2, 950, 0, 1, 0, 7)));
        payloads.add(Payloads.of(AttentionFormat.VERSION_1, Payloads.body(1, 2, 950, 8, 3, 0, 0, 0, 7, 7, 7)));
        payloads.add(Payloads.of(AttentionFormat.VERSION_1, Payloads.body(1, 2, 950, 8, 1, 2, 7)));
        payloads.add(Payloads.of(AttentionFormat.VERSION_1, Payloads.body(1, 2, 950, 8, 2, 0, 0, 7)));
        payloads.add(Payloads.of(AttentionFormat.VERSION_1, Payloads.body(1 << 11, 1 << 10, 950, 8)));
        for (int i = 0; i < 200; i++) {
            int[] varints = new int[4 + random.nextInt(12)];
            for (int v = 0; v < varints.length; v++) {
                varints[v] = random.nextInt(v < 2 ? 6 : v == 2 ? 1100 : 10);
            }
            payloads.add(Payloads.of(AttentionFormat.VERSION_1, Payloads.body(varints)));
        }
        return payloads;
    }

    /** {@code count} softmax matrices of varied shape and peakedness, a few of them wide, under each policy in turn. */
    private static List<byte[]> encodedMatrices(Random random, int count,
            BiFunction<KeepPolicy, float[][], byte[]> encoder) {
        List<byte[]> payloads = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int columns = i % 50 == 0 ? 300 + random.nextInt(50) : 1 + random.nextInt(40);
            float[][] weights = Matrices.softmaxRows(random, 1 + random.nextInt(30), columns,
                    new double[] {0.1, 0.3, 1, 10}[i % 4]);
            payloads.add(encoder.apply(POLICIES[i % POLICIES.length], weights));
        }
        return payloads;
    }

    /** For every tenth payload: a truncated copy, one with a byte appended, and {@code flips} with a bit flipped. */
    private static List<byte[]> brokenCopies(Random random, byte[] payload, int flips) {
        if (random.nextInt(10) != 0) {
            return List.of();
        }
        List<byte[]> broken = new ArrayList<>();
        broken.add(Arrays.copyOf(payload, 1 + random.nextInt(payload.length - 1)));
        broken.add(Arrays.copyOf(payload, payload.length + 1));
        for (int i = 0; i < flips; i++) {
            byte[] flipped = payload.clone();
            flipped[3 + random.nextInt(payload.length - 3)] ^= (byte) (1 << random.nextInt(8));
            broken.add(flipped);
        }
        return broken;
    }

    private static String javaDecoding(byte[] payload) {
        float[][] matrix;
        try {
            matrix = AttentionDecoder.decode(payload);
        } catch (InvalidPayloadException e) {
            return "error ValueError";
        }
        List<String> words = new ArrayList<>(List.of("ok", String.valueOf(matrix.length),
                String.valueOf(matrix.length == 0 ? 0 : matrix[0].length)));
        for (float[] row : matrix) {
            for (float weight : row) {
                words.add(Integer.toHexString(Float.floatToIntBits(weight)));
            }
        }
        return String.join(" ", words);
    }

    private static List<String> runPythonDecoder(Path dir, List<byte[]> payloads)
            throws IOException, InterruptedException {
        assertThat(PYTHON).as("Debian's python3 (see .ci/debian-packages.txt)").isExecutable();
        Path input = dir.resolve("payloads.txt");
        Files.write(input, payloads.stream().map(HexFormat.of()::formatHex).toList(), StandardCharsets.UTF_8);
        ProcessBuilder builder = new ProcessBuilder(PYTHON.toString(), "-c", DRIVER)
                .redirectInput(input.toFile())
                .redirectError(ProcessBuilder.Redirect.INHERIT);
        builder.environment().put("PYTHONPATH", PACKAGE_ROOT.toAbsolutePath().toString());
        Process python = builder.start();
        byte[] output = python.getInputStream().readAllBytes();
        if (!python.waitFor(60, TimeUnit.SECONDS)) {
            python.destroyForcibly();
            throw new AssertionError("the Python decoder did not finish within 60 s");
        }
        assertThat(python.exitValue()).as("python exit status").isZero();
        return new String(output, StandardCharsets.UTF_8).lines().map(String::stripTrailing).toList();
    }
}
