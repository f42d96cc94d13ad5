package io.streamlate.schemas;

import io.streamlate.local.ApicurioRegistry;
import io.streamlate.local.EmbeddedKafka;
import io.streamlate.schemas.registry.RegistryConfig;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

import java.util.HashMap;
import java.util.Map;

/**
 * Injects the real peers of the interoperability tests ({@link ApicurioRegistry}, {@link EmbeddedKafka}) into test
 * parameters. Each starts on first use and is shared by every test class of the run: JUnit closes what the root
 * store holds when the whole run ends.
 */
public final class LocalPeers implements ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(LocalPeers.class);

    /** Serde properties pointing at the registry's Confluent-compatible API, plus {@code overrides}. */
    public static Map<String, Object> serdeProperties(ApicurioRegistry registry, Map<String, ?> overrides) {
        Map<String, Object> properties = new HashMap<>();
        properties.put(RegistryConfig.URL, registry.ccompatUrl().toString());
        properties.putAll(overrides);
        return properties;
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == ApicurioRegistry.class || type == EmbeddedKafka.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        ExtensionContext.Store store = context.getRoot().getStore(NAMESPACE);
        if (parameter.getParameter().getType() == ApicurioRegistry.class) {
            return store.getOrComputeIfAbsent(ApicurioRegistry.class, type -> ApicurioRegistry.start(),
                    ApicurioRegistry.class);
        }
        return store.getOrComputeIfAbsent(EmbeddedKafka.class, type -> EmbeddedKafka.start(), EmbeddedKafka.class);
    }
}
