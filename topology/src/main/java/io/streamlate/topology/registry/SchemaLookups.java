package io.streamlate.topology.registry;

import io.streamlate.schemas.registry.SchemaRegistryClient;
import io.streamlate.schemas.registry.SchemaRegistryException;
import io.streamlate.schemas.serde.WireFormat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Keeps the registry off the stream threads: before a value is decoded, {@link #ready} says whether its writer
 * schema is already in the instance's registry client. If it is not, the lookup goes on on a daemon thread of its
 * own, the caller treats the value as waiting (undecoded, in its place), and asks again later; once the lookup
 * answered (the schema, or "no such id", both cached by the client), decoding needs no request. A lookup that fails
 * is reported (the registry health then holds the waiting values until the registry answers) and started again at
 * the next ask. At most one lookup per schema id runs at a time.
 */
public final class SchemaLookups implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SchemaLookups.class);

    private final SchemaRegistryClient client;
    private final Consumer<RuntimeException> failed;
    private final Set<Integer> inFlight = ConcurrentHashMap.newKeySet();
    private final ExecutorService thread = Executors.newSingleThreadExecutor(runnable -> {
        Thread daemon = new Thread(runnable, "streamlate-schema-lookups");
        daemon.setDaemon(true);
        return daemon;
    });

    /**
     * @param client the client the deserializers decode with (their schema cache)
     * @param failed told of every lookup the registry failed, e.g. {@link RegistryHealth#failed}
     */
    public SchemaLookups(SchemaRegistryClient client, Consumer<RuntimeException> failed) {
        this.client = client;
        this.failed = failed;
    }

    /**
     * True when decoding {@code value} needs no request to the registry: its schema id is known to the client (or
     * it is not in the wire format at all, which the deserializer reports). Never blocks; otherwise starts the
     * lookup if none runs and returns false.
     */
    public boolean ready(byte[] value) {
        OptionalInt id = WireFormat.schemaIdOf(value);
        if (id.isEmpty() || client.knowsSchemaId(id.getAsInt())) {
            return true;
        }
        int schemaId = id.getAsInt();
        if (inFlight.add(schemaId)) {
            try {
                thread.execute(() -> lookUp(schemaId));
            } catch (RejectedExecutionException closed) {
                inFlight.remove(schemaId);
            }
        }
        return false;
    }

    private void lookUp(int schemaId) {
        try {
            client.schemaById(schemaId);
        } catch (SchemaRegistryException e) {
            if (!e.isNotFound()) {
                LOG.warn("schema id {} could not be looked up: {}", schemaId, e.getMessage());
                failed.accept(e);
            }
        } catch (RuntimeException e) {
            LOG.warn("schema id {} could not be looked up", schemaId, e);
            failed.accept(e);
        } finally {
            inFlight.remove(schemaId);
        }
    }

    /** Stops the lookup thread; a lookup in progress is interrupted. */
    @Override
    public void close() {
        thread.shutdownNow();
        try {
            thread.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
