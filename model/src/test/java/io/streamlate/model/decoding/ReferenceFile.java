package io.streamlate.model.decoding;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** reference.json as written by evaluate.reference_file: PyTorch greedy output alone and in padded batches. */
record ReferenceFile(String modelVersion, SearchLimits limits, List<Sentence> sentences, List<Batch> batches) {

    record Expected(int[] ids, double logProb, List<float[]> attention) {
    }

    record Sentence(String text, int[] sourceIds, Expected greedy) {
    }

    record Batch(int[] members, List<Expected> results) {
    }

    static ReferenceFile read(Path file) throws IOException {
        JsonNode root = new ObjectMapper().readTree(file.toFile());
        List<Sentence> sentences = new ArrayList<>();
        for (JsonNode s : root.path("sentences")) {
            sentences.add(new Sentence(s.path("text").asText(), ints(s.path("source_ids")), expected(s.path("greedy"))));
        }
        List<Batch> batches = new ArrayList<>();
        for (JsonNode b : root.path("batches")) {
            List<Expected> results = new ArrayList<>();
            b.path("results").forEach(r -> results.add(expected(r)));
            batches.add(new Batch(ints(b.path("members")), results));
        }
        JsonNode decoding = root.path("decoding");
        SearchLimits limits = new SearchLimits(decoding.path("max_length_a").asDouble(),
                decoding.path("max_length_b").asInt());
        return new ReferenceFile(root.path("model_version").asText(), limits, sentences, batches);
    }

    private static Expected expected(JsonNode node) {
        List<float[]> rows = new ArrayList<>();
        for (JsonNode row : node.path("attention")) {
            float[] values = new float[row.size()];
            for (int i = 0; i < values.length; i++) {
                values[i] = (float) row.get(i).asDouble();
            }
            rows.add(values);
        }
        return new Expected(ints(node.path("ids")), node.path("log_prob").asDouble(), rows);
    }

    private static int[] ints(JsonNode array) {
        int[] values = new int[array.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = array.get(i).asInt();
        }
        return values;
    }
}
