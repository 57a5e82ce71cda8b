package io.keyfair.common.form;

import java.io.IOException;
import java.io.InputStream;
import java.lang.annotation.Annotation;
import java.lang.reflect.Type;
import java.util.Optional;

import jakarta.annotation.Priority;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.ext.Provider;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.resteasy.reactive.server.spi.ResteasyReactiveResourceInfo;
import org.jboss.resteasy.reactive.server.spi.ServerMessageBodyReader;
import org.jboss.resteasy.reactive.server.spi.ServerRequestContext;

import io.quarkus.runtime.configuration.MemorySize;

/**
 * Reads every `application/x-www-form-urlencoded` body that an endpoint takes as a
 * {@code MultivaluedMap<String, String>}, in place of RESTEasy Reactive's own reader, with
 * {@link UrlEncodedForm}: one pass, strict, bounded by `quarkus.http.limits.max-form-attribute-size`
 * per name or value and `quarkus.http.limits.max-body-size` in all.
 *
 * <p>Endpoints take their form as that map, never as `@FormParam`: RESTEasy Reactive parses
 * `@FormParam` bodies with a parser of its own that cannot be replaced, answers a bad escape in
 * the middle of the body with a 500 and one at its end with no answer at all.
 */
@Provider
@Consumes(MediaType.APPLICATION_FORM_URLENCODED)
@Priority(Priorities.USER)
public class StrictFormReader implements ServerMessageBodyReader<MultivaluedMap<String, String>> {

    private final int maxParameterBytes;
    private final long maxBodyBytes;

    StrictFormReader(@ConfigProperty(name = "quarkus.http.limits.max-form-attribute-size") MemorySize maxParameter,
            @ConfigProperty(name = "quarkus.http.limits.max-body-size") Optional<MemorySize> maxBody) {
        this.maxParameterBytes = (int) Math.min(Integer.MAX_VALUE, maxParameter.asLongValue());
        this.maxBodyBytes = maxBody.map(MemorySize::asLongValue).orElse(Long.MAX_VALUE);
    }

    @Override
    public boolean isReadable(Class<?> type, Type genericType, ResteasyReactiveResourceInfo lazyMethod, MediaType mediaType) {
        return isForm(type, mediaType);
    }

    @Override
    public boolean isReadable(Class<?> type, Type genericType, Annotation[] annotations, MediaType mediaType) {
        return isForm(type, mediaType);
    }

    @Override
    public MultivaluedMap<String, String> readFrom(Class<MultivaluedMap<String, String>> type, Type genericType,
            MediaType mediaType, ServerRequestContext context) throws IOException {
        return UrlEncodedForm.decode(context.getInputStream(), maxParameterBytes, maxBodyBytes);
    }

    @Override
    public MultivaluedMap<String, String> readFrom(Class<MultivaluedMap<String, String>> type, Type genericType,
            Annotation[] annotations, MediaType mediaType, MultivaluedMap<String, String> httpHeaders, InputStream entityStream)
            throws IOException {
        return UrlEncodedForm.decode(entityStream, maxParameterBytes, maxBodyBytes);
    }

    private static boolean isForm(Class<?> type, MediaType mediaType) {
        return MultivaluedMap.class.equals(type) && mediaType != null
                && mediaType.isCompatible(MediaType.APPLICATION_FORM_URLENCODED_TYPE);
    }
}
