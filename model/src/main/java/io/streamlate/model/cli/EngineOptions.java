package io.streamlate.model.cli;

import io.streamlate.model.TranslationOptions;
import io.streamlate.model.Translator;
import io.streamlate.model.alignment.LinkRule;
import io.streamlate.model.manifest.Precision;
import io.streamlate.model.onnx.Device;
import io.streamlate.model.onnx.SessionSettings;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** The options every engine command shares: which model, where it runs, how links are read, what is drawn. */
final class EngineOptions {

    @Option(names = "--model", description = "model directory (default: ${DEFAULT-VALUE})")
    Path model = Path.of("model/artifacts/en-fr");

    @Option(names = "--device", description = "cpu or cuda:N (default: ${DEFAULT-VALUE})")
    String device = "cpu";

    @Option(names = "--allow-cpu-fallback", description = "run on CPU with a warning if CUDA cannot start")
    boolean allowCpuFallback;

    @Option(names = "--threads",
            description = "ONNX Runtime intra-op threads, 0 = its default (default: ${DEFAULT-VALUE})")
    int threads;

    @Option(names = "--precision", converter = PrecisionConverter.class,
            description = "float32, or int8 where the model ships it (default: float32)")
    Precision precision = Precision.FLOAT32;

    @Option(names = "--links", paramLabel = "RULE", converter = LinkRuleConverter.class,
            description = "how word links are read off the attention: [consuming:](argmax|threshold=T|"
                    + "argmax+threshold=T) (default: the model's decoding_defaults.link_rule)")
    LinkRule links;

    @Option(names = "--heatmap", description = "print an ASCII attention heatmap per sentence")
    boolean heatmap;

    @Option(names = "--png", paramLabel = "DIR", description = "write a PNG attention heatmap per sentence into DIR")
    Path pngDirectory;

    Translator open() {
        return Translator.open(model, SessionSettings.DEFAULT.withDevice(Device.parse(device))
                .withCpuFallback(allowCpuFallback).withThreads(threads, 0).withPrecision(precision));
    }

    /** The model's defaults with this command line's link rule, if it names one. */
    TranslationOptions options(Translator translator) {
        TranslationOptions defaults = translator.defaultOptions();
        return links == null ? defaults : defaults.withLinkRule(links);
    }

    static final class PrecisionConverter implements picocli.CommandLine.ITypeConverter<Precision> {
        @Override
        public Precision convert(String value) {
            return Precision.parse(value);
        }
    }

    static final class LinkRuleConverter implements picocli.CommandLine.ITypeConverter<LinkRule> {
        @Override
        public LinkRule convert(String value) {
            return LinkRule.parse(value);
        }
    }
}
