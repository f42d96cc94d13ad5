package io.streamlate.model.manifest;

import io.streamlate.model.TranslationException;
import io.streamlate.model.TranslationException.Reason;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * A validated manifest.json together with the directory it came from, so file names resolve against it.
 *
 * @param directory        the model directory
 * @param modelId          model.id
 * @param modelVersion     model.version
 * @param sourceLanguage   languages.source
 * @param targetLanguage   languages.target
 * @param encoder          graphs.encoder
 * @param decoderStep      graphs.decoder_step
 * @param decoderStepTopK  graphs.decoder_step_topk, if the model has it
 * @param precisionFiles   precisions: per precision other than float32, the file of each graph it replaces
 * @param sourceTokenizer  the source SentencePiece model file
 * @param targetTokenizer  the target SentencePiece model file
 * @param specialTokens    special_tokens
 * @param maxSourceLength  longer sources are truncated to this many pieces
 * @param decodingDefaults decoding_defaults
 * @param filesSha256      files_sha256, file name to lower-case hex digest
 */
public record Manifest(Path directory, String modelId, String modelVersion, String sourceLanguage,
                       String targetLanguage, GraphSpec encoder, GraphSpec decoderStep,
                       Optional<GraphSpec> decoderStepTopK, Map<Precision, Map<GraphRole, String>> precisionFiles,
                       Path sourceTokenizer, Path targetTokenizer, SpecialTokens specialTokens, int maxSourceLength,
                       DecodingDefaults decodingDefaults, Map<String, String> filesSha256) {

    public Manifest {
        filesSha256 = Map.copyOf(filesSha256);
        precisionFiles = Map.copyOf(precisionFiles);
    }

    /** The graph of {@code role}; the top-k step only if {@link #decoderStepTopK} is present. */
    public GraphSpec graph(GraphRole role) {
        return switch (role) {
            case ENCODER -> encoder;
            case DECODER_STEP -> decoderStep;
            case DECODER_STEP_TOP_K -> decoderStepTopK.orElseThrow(() -> new TranslationException(
                    Reason.MODEL_INVALID, "model " + modelId + " has no graphs." + role.key()));
        };
    }

    /**
     * The file {@code role} runs from at {@code precision}: the precision's variant where the manifest names one,
     * the float32 graph where the variant leaves the role alone (the encoder of an int8 model).
     *
     * @throws TranslationException MODEL_INVALID if the model ships no graphs at that precision
     */
    public Path graphFile(GraphRole role, Precision precision) {
        if (precision == Precision.FLOAT32) {
            return directory.resolve(graph(role).file());
        }
        Map<GraphRole, String> files = precisionFiles.get(precision);
        if (files == null) {
            throw new TranslationException(Reason.MODEL_INVALID, "model " + modelId + " " + modelVersion
                    + " has no " + precision.key() + " graphs (its manifest's precisions: "
                    + precisionFiles.keySet().stream().map(Precision::key).toList() + "); use float32");
        }
        return directory.resolve(files.getOrDefault(role, graph(role).file()));
    }

    public Path graphFile(GraphRole role) {
        return graphFile(role, Precision.FLOAT32);
    }

    /** The target vocabulary's size: the fixed second axis of the decoder step's log-probabilities. */
    public int targetVocabularySize() {
        return decoderStep.output(GraphRole.Roles.LOG_PROBS).shape().get(1).fixedSize().intValue();
    }

    /** The width of the encoder's memory: the fixed last axis of its memory output. */
    public int memoryWidth() {
        return encoder.output(GraphRole.Roles.MEMORY).shape().get(2).fixedSize().intValue();
    }

    /** The decoder state's size: the fixed last axis of the encoder's initial decoder state. */
    public int decoderStateSize() {
        return encoder.output(GraphRole.Roles.DECODER_STATE).shape().get(1).fixedSize().intValue();
    }
}
