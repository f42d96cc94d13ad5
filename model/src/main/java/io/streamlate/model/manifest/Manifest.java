package io.streamlate.model.manifest;

import java.nio.file.Path;
import java.util.Map;

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
 * @param sourceTokenizer  the source SentencePiece model file
 * @param targetTokenizer  the target SentencePiece model file
 * @param specialTokens    special_tokens
 * @param maxSourceLength  longer sources are truncated to this many pieces
 * @param decodingDefaults decoding_defaults
 * @param filesSha256      files_sha256, file name to lower-case hex digest
 */
public record Manifest(Path directory, String modelId, String modelVersion, String sourceLanguage,
                       String targetLanguage, GraphSpec encoder, GraphSpec decoderStep, Path sourceTokenizer,
                       Path targetTokenizer, SpecialTokens specialTokens, int maxSourceLength,
                       DecodingDefaults decodingDefaults, Map<String, String> filesSha256) {

    public Manifest {
        filesSha256 = Map.copyOf(filesSha256);
    }

    public GraphSpec graph(GraphRole role) {
        return role == GraphRole.ENCODER ? encoder : decoderStep;
    }

    public Path graphFile(GraphRole role) {
        return directory.resolve(graph(role).file());
    }
}
