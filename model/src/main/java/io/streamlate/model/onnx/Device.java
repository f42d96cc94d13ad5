package io.streamlate.model.onnx;

import io.streamlate.model.TranslationException;
import io.streamlate.model.TranslationException.Reason;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Where the graphs run: {@code cpu} or {@code cuda:N} (the N-th CUDA device). */
public record Device(Kind kind, int index) {

    public enum Kind { CPU, CUDA }

    public static final Device CPU = new Device(Kind.CPU, 0);

    private static final Pattern CUDA = Pattern.compile("cuda(?::(\\d+))?");

    public static Device parse(String text) {
        String value = text.trim().toLowerCase();
        if (value.equals("cpu")) {
            return CPU;
        }
        Matcher cuda = CUDA.matcher(value);
        if (cuda.matches()) {
            return new Device(Kind.CUDA, cuda.group(1) == null ? 0 : Integer.parseInt(cuda.group(1)));
        }
        throw new TranslationException(Reason.INVALID_OPTIONS,
                "device '" + text + "' is not 'cpu' or 'cuda:N' (N = CUDA device index, e.g. cuda:0)");
    }

    @Override
    public String toString() {
        return kind == Kind.CPU ? "cpu" : "cuda:" + index;
    }
}
