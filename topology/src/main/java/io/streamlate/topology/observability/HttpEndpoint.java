package io.streamlate.topology.observability;

import java.net.URI;
import java.util.Objects;
import java.util.function.Function;

/**
 * A GET endpoint another part of the service adds to the HTTP server (the live view's page and its data).
 *
 * @param contentType the answer's {@code Content-Type}
 * @param body        the answer for the request's URI; an {@link IllegalArgumentException} is the client's fault
 *                    and answers 400 with its message
 */
public record HttpEndpoint(String contentType, Function<URI, byte[]> body) {

    public HttpEndpoint {
        Objects.requireNonNull(contentType, "contentType");
        Objects.requireNonNull(body, "body");
    }
}
