package io.streamlate.topology.registry;

import java.util.Objects;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

/**
 * What the topology's processors may know of the registry without calling it.
 *
 * @param available   false while the registry is known to fail ({@link RegistryHealth#available()})
 * @param schemaKnown whether a value's writer schema is already known ({@link SchemaLookups#ready}, which starts its
 *                    lookup off the stream thread when it is not)
 */
public record RegistryView(BooleanSupplier available, Predicate<byte[]> schemaKnown) {

    /** For a topology tested without registry trouble: always available, every schema fetched when needed. */
    public static final RegistryView TRUSTED = new RegistryView(() -> true, value -> true);

    public RegistryView {
        Objects.requireNonNull(available, "available");
        Objects.requireNonNull(schemaKnown, "schemaKnown");
    }
}
