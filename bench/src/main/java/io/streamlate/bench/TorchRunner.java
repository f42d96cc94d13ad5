package io.streamlate.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/** Runs bench/torch_bench.py on the same sentences and reads its medians (and the sgemm peak) back from its JSON. */
final class TorchRunner {

    /**
     * @param measurements PyTorch eager per configuration
     * @param sgemmGflops  torch.mm's float32 peak on this machine with the same threads
     */
    record Results(List<Measurement> measurements, double sgemmGflops) {
    }


    private final List<String> command;

    /**
     * @param model      model directory (tokenizers; checkpoint.pt unless tiny)
     * @param checkpoint explicit checkpoint, or null
     * @param tiny       rebuild the tiny test model from its seed instead of loading a checkpoint
     */
    TorchRunner(String python, Path script, Path model, Path checkpoint, boolean tiny, Path sentences,
                List<Integer> batches, List<Integer> beams, int repeats, int threads, boolean sgemmOnly) {
        command = new ArrayList<>(List.of(python, script.toString(), "--model-dir", model.toString(),
                "--sentences", sentences.toString(), "--batch-sizes", join(batches), "--beam-sizes", join(beams),
                "--repeats", Integer.toString(repeats), "--threads", Integer.toString(threads),
                sgemmOnly ? "--sgemm-only" : "--sgemm"));
        if (checkpoint != null) {
            command.addAll(List.of("--checkpoint", checkpoint.toString()));
        }
        if (tiny) {
            command.add("--tiny");
        }
    }

    String commandLine() {
        return String.join(" ", command);
    }

    Results run() throws IOException, InterruptedException {
        Path stdout = Files.createTempFile("torch-bench", ".json");
        try {
            Process process = new ProcessBuilder(command).redirectOutput(stdout.toFile())
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            int exit = process.waitFor();
            List<String> lines = Files.readAllLines(stdout, StandardCharsets.UTF_8);
            if (exit != 0 || lines.isEmpty()) {
                throw new IOException("torch_bench.py failed with exit code " + exit + ": " + commandLine());
            }
            JsonNode root = new ObjectMapper().readTree(lines.get(lines.size() - 1));
            List<Measurement> measurements = new ArrayList<>();
            for (JsonNode r : root.path("results")) {
                measurements.add(new Measurement(r.path("beam").asInt(), r.path("batch").asInt(),
                        r.path("seconds").asDouble(), r.path("sentences_per_s").asDouble(),
                        r.path("tokens_per_s").asDouble(), 0, 0));
            }
            return new Results(measurements, root.path("sgemm").path("gflops").asDouble());
        } finally {
            Files.deleteIfExists(stdout);
        }
    }

    private static String join(List<Integer> values) {
        return values.stream().map(String::valueOf).collect(Collectors.joining(","));
    }
}
