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

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs the Python decoder printed in schemas/README.md on payloads the Java encoder wrote, and on broken ones, so
 * the spec a consumer in another language reads is checked against the code: the same float32 bits where Java
 * decodes, a ValueError where Java throws {@link InvalidPayloadException}.
 */
class ReadmeDecoderTest {

    private static final Path PYTHON = Path.of("/usr/bin/python3");
    private static final String DECODER_INTRO = "A decoder in Python, for reference (it applies every check above):";

    /** Reads one hex payload a line; prints a line of float32 bit patterns per row, or "error" and the type. */
    private static final String DRIVER = """

            import sys
            for line in sys.stdin:
                try:
                    matrix = decode_attention_v2(bytes.fromhex(line.strip()))
                except ValueError:
                    print("error ValueError")
                    continue
                except Exception as other:
                    print("error " + type(other).__name__)
                    continue
                cells = [struct.unpack("<I", struct.pack("<f", w))[0] for row in matrix for w in row]
                cols = len(matrix[0]) if matrix else 0
                print("ok", len(matrix), cols, " ".join(format(c, "x") for c in cells))
            """;

    @Test
    void theReadmeDecoderAgreesWithTheJavaDecoderBitForBit(@TempDir Path dir) throws Exception {
        List<byte[]> payloads = payloads();

        List<String> lines = runReadmeDecoder(dir, payloads);

        assertThat(lines).hasSameSizeAs(payloads);
        int valid = 0;
        for (int i = 0; i < payloads.size(); i++) {
            assertThat(lines.get(i)).as("payload %s", HexFormat.of().formatHex(payloads.get(i)))
                    .isEqualTo(javaDecoding(payloads.get(i)));
            valid += lines.get(i).startsWith("ok") ? 1 : 0;
        }
        assertThat(valid).as("payloads both decoders accept").isGreaterThan(300);
    }

    private static List<byte[]> payloads() {
        List<byte[]> payloads = new ArrayList<>();
        payloads.add(HexFormat.of().parseHex(ReadmeExample.V2_PAYLOAD_HEX));
        payloads.add(new AttentionEncoder(KeepPolicy.DEFAULT).encode(new float[0][]));
        payloads.add(new AttentionEncoder(KeepPolicy.DEFAULT).encode(new float[2][0]));
        payloads.add(new AttentionEncoder(KeepPolicy.DEFAULT).encode(new float[][] {{0.001f, 0.003f}, {0f, 0f}}));
        Random random = new Random(5);
        KeepPolicy[] policies = {KeepPolicy.DEFAULT, new KeepPolicy(1000, 1000), new KeepPolicy(900, 4)};
        for (int i = 0; i < 300; i++) {
            int columns = i % 50 == 0 ? 300 + random.nextInt(50) : 1 + random.nextInt(40);
            float[][] matrix = Matrices.softmaxRows(random, 1 + random.nextInt(30), columns,
                    new double[] {0.1, 0.3, 1, 10}[i % 4]);
            byte[] payload = new AttentionEncoder(policies[i % 3]).encode(matrix);
            payloads.add(payload);
            if (i % 10 == 0) {
                payloads.add(Arrays.copyOf(payload, 1 + random.nextInt(payload.length - 1)));
                payloads.add(Arrays.copyOf(payload, payload.length + 1));
                byte[] flipped = payload.clone();
                flipped[3 + random.nextInt(payload.length - 3)] ^= (byte) (1 << random.nextInt(8));
                payloads.add(flipped);
            }
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

    private static List<String> runReadmeDecoder(Path dir, List<byte[]> payloads)
            throws IOException, InterruptedException {
        assertThat(PYTHON).as("Debian's python3 (see .ci/debian-packages.txt)").isExecutable();
        Path script = dir.resolve("readme_decoder.py");
        Files.writeString(script, readmePythonDecoder() + DRIVER, StandardCharsets.UTF_8);
        Path input = dir.resolve("payloads.txt");
        Files.write(input, payloads.stream().map(HexFormat.of()::formatHex).toList(), StandardCharsets.UTF_8);
        Process python = new ProcessBuilder(PYTHON.toString(), script.toString())
                .redirectInput(input.toFile())
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        byte[] output = python.getInputStream().readAllBytes();
        if (!python.waitFor(60, TimeUnit.SECONDS)) {
            python.destroyForcibly();
            throw new AssertionError("the README's Python decoder did not finish within 60 s");
        }
        assertThat(python.exitValue()).as("python exit status").isZero();
        return new String(output, StandardCharsets.UTF_8).lines().map(String::stripTrailing).toList();
    }

    private static String readmePythonDecoder() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        int intro = readme.indexOf(DECODER_INTRO);
        assertThat(intro).as("the README introduces its v2 Python decoder").isPositive();
        int start = readme.indexOf("```python\n", intro) + "```python\n".length();
        return readme.substring(start, readme.indexOf("```", start));
    }
}
