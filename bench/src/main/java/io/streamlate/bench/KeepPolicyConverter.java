package io.streamlate.bench;

import io.streamlate.schemas.alignment.KeepPolicy;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Reads a keep policy written {@code MASS_PERMILLE/MAX_KEPT}, e.g. {@code 980/16}. */
final class KeepPolicyConverter implements ITypeConverter<KeepPolicy> {

    @Override
    public KeepPolicy convert(String value) {
        String[] parts = value.split("/", -1);
        try {
            if (parts.length == 2) {
                return new KeepPolicy(Integer.parseInt(parts[0].trim()), Integer.parseInt(parts[1].trim()));
            }
        } catch (IllegalArgumentException e) {
            throw new TypeConversionException("'" + value + "' is not a keep policy: " + e.getMessage());
        }
        throw new TypeConversionException("'" + value + "' is not a keep policy; expected MASS_PERMILLE/MAX_KEPT,"
                + " e.g. 980/16");
    }
}
