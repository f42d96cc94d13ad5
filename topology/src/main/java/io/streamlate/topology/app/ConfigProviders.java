package io.streamlate.topology.app;

import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigTransformer;
import org.apache.kafka.common.config.provider.ConfigProvider;
import org.apache.kafka.common.utils.Utils;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.stream.Collectors;

/**
 * Resolves {@code ${provider:path:key}} references, e.g. {@code ${file:/etc/secrets/kafka.properties:password}} or
 * {@code ${directory:/etc/streamlate/secrets:truststore.password}}, with Kafka's own config providers declared the
 * standard way ({@code config.providers}, {@code config.providers.<name>.class},
 * {@code config.providers.<name>.param.*}), once for the whole configuration: Kafka clients would resolve their
 * own, but the schema registry client and the {@code streamlate.*} keys would not. The system property
 * {@value AbstractConfig#AUTOMATIC_CONFIG_PROVIDERS_PROPERTY} restricts the provider classes as it does for Kafka's
 * clients. A reference that cannot be resolved fails naming its key and the reference, never a value.
 */
final class ConfigProviders {

    private static final String PROVIDERS = AbstractConfig.CONFIG_PROVIDERS_CONFIG;

    private ConfigProviders() {
    }

    /** A copy of {@code all} with every reference replaced by what its provider read. */
    static Properties resolve(Properties all) {
        Map<String, ConfigProvider> providers = instantiate(all);
        try {
            ConfigTransformer transformer = new ConfigTransformer(providers);
            Properties resolved = new Properties();
            for (String key : all.stringPropertyNames()) {
                String value = all.getProperty(key);
                resolved.setProperty(key, key.startsWith(PROVIDERS) ? value
                        : resolve(key, value, transformer, providers.keySet()));
            }
            return resolved;
        } finally {
            providers.values().forEach(provider -> Utils.closeQuietly(provider, "config provider"));
        }
    }

    private static String resolve(String key, String value, ConfigTransformer transformer, Set<String> providers) {
        List<String> references = references(value);
        if (references.isEmpty()) {
            return value;
        }
        String resolved;
        try {
            resolved = transformer.transform(Map.of(key, value)).data().get(key);
        } catch (RuntimeException e) {
            throw new ConfigException("cannot resolve " + key + " (" + String.join(", ", references) + "): "
                    + e.getMessage());
        }
        List<String> unresolved = references(resolved);
        if (!unresolved.isEmpty()) {
            throw new ConfigException("cannot resolve " + key + ": " + unresolved.stream()
                    .map(reference -> reference + why(reference, providers)).collect(Collectors.joining(", ")));
        }
        return resolved;
    }

    private static String why(String reference, Set<String> providers) {
        Matcher matcher = ConfigTransformer.DEFAULT_PATTERN.matcher(reference);
        String provider = matcher.matches() ? matcher.group(1) : reference;
        return providers.contains(provider) ? " has no such file or key (or lies outside the provider's allowed.paths)"
                : " names a provider that " + PROVIDERS + " does not declare";
    }

    /** The references in {@code value}, themselves never secret: where a secret is, not what. */
    private static List<String> references(String value) {
        List<String> references = new ArrayList<>();
        Matcher matcher = ConfigTransformer.DEFAULT_PATTERN.matcher(value);
        while (matcher.find()) {
            references.add(matcher.group());
        }
        return references;
    }

    private static Map<String, ConfigProvider> instantiate(Properties all) {
        Map<String, ConfigProvider> providers = new HashMap<>();
        try {
            for (String name : all.getProperty(PROVIDERS, "").split(",")) {
                if (!name.isBlank()) {
                    providers.put(name.trim(), instantiate(all, name.trim()));
                }
            }
            return providers;
        } catch (RuntimeException e) {
            providers.values().forEach(provider -> Utils.closeQuietly(provider, "config provider"));
            throw e;
        }
    }

    private static ConfigProvider instantiate(Properties all, String name) {
        String classKey = PROVIDERS + "." + name + ".class";
        String className = all.getProperty(classKey, "").trim();
        if (className.isEmpty()) {
            throw new ConfigException(classKey, null, "is required: " + PROVIDERS + " declares " + name);
        }
        if (!allowed(className)) {
            throw new ConfigException(classKey, className, "is not allowed by the system property "
                    + AbstractConfig.AUTOMATIC_CONFIG_PROVIDERS_PROPERTY + ", which lists the allowed classes");
        }
        ConfigProvider provider;
        try {
            provider = Utils.newInstance(className, ConfigProvider.class);
        } catch (ClassNotFoundException e) {
            throw new ConfigException(classKey, className, "no such class");
        }
        try {
            provider.configure(parameters(all, PROVIDERS + "." + name + ".param."));
            return provider;
        } catch (RuntimeException e) {
            Utils.closeQuietly(provider, "config provider");
            throw new ConfigException("cannot configure the config provider " + name + " (" + className + ", "
                    + PROVIDERS + "." + name + ".param.*): " + e.getMessage());
        }
    }

    /** As Kafka's clients decide: unset, every class; set, the comma-separated classes it lists. */
    private static boolean allowed(String className) {
        String allowed = System.getProperty(AbstractConfig.AUTOMATIC_CONFIG_PROVIDERS_PROPERTY);
        return allowed == null || Arrays.stream(allowed.split(",")).map(String::trim).anyMatch(className::equals);
    }

    private static Map<String, String> parameters(Properties all, String prefix) {
        Map<String, String> parameters = new HashMap<>();
        for (String key : all.stringPropertyNames()) {
            if (key.startsWith(prefix) && key.length() > prefix.length()) {
                parameters.put(key.substring(prefix.length()), all.getProperty(key));
            }
        }
        return parameters;
    }
}
