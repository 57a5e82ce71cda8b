package io.keyfair.common.form;

import java.io.IOException;
import java.io.InputStream;
import java.lang.annotation.Annotation;
import java.lang.reflect.Type;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.ext.Provider;

import org.jboss.resteasy.reactive.server.spi.ResteasyReactiveResourceInfo;
import org.jboss.resteasy.reactive.server.spi.ServerMessageBodyReader;
import org.jboss.resteasy.reactive.server.spi.ServerRequestContext;

/**
 * Reads every request body an endpoint takes as a {@code String} (the JSON bodies of the admin
 * API, dynamic registration, SSF streams and polls) as strict UTF-8, in place of RESTEasy
 * Reactive's own reader, which replaces a byte that is not UTF-8 with U+FFFD: a client name sent
 * in Latin-1 would be stored garbled and shown on consent pages. RFC 8259 §8.1 makes JSON UTF-8;
 * anything else is `invalid_request`, and nothing is stored.
 */
@Provider
@Priority(Priorities.USER)
public class StrictTextReader implements ServerMessageBodyReader<String> {

    @Override
    public boolean isReadable(Class<?> type, Type genericType, ResteasyReactiveResourceInfo lazyMethod, MediaType mediaType) {
        return String.class.equals(type);
    }

    @Override
    public boolean isReadable(Class<?> type, Type genericType, Annotation[] annotations, MediaType mediaType) {
        return String.class.equals(type);
    }

    @Override
    public String readFrom(Class<String> type, Type genericType, MediaType mediaType, ServerRequestContext context)
            throws IOException {
        return decode(context.getInputStream());
    }

    @Override
    public String readFrom(Class<String> type, Type genericType, Annotation[] annotations, MediaType mediaType,
            MultivaluedMap<String, String> httpHeaders, InputStream entityStream) throws IOException {
        return decode(entityStream);
    }

    /** The body as text; bytes that are not UTF-8 are refused, never replaced. */
    static String decode(InputStream body) throws IOException {
        byte[] bytes = body.readAllBytes();
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw MalformedFormException.bodyNotUtf8();
        }
    }
}
