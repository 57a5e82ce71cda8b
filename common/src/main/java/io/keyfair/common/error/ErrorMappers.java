package io.keyfair.common.error;

import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;

import io.keyfair.common.audit.LogSafe;
import io.keyfair.common.http.NoStore;

/**
 * Turns every failure into an RFC 6749 §5.2 JSON error. Only the public description leaves the
 * server; exception messages, class names and SQL stay in the logs.
 */
public class ErrorMappers {

    private static final Logger LOG = Logger.getLogger(ErrorMappers.class);

    /** Logs the private detail (which may quote the request, hence sanitized) and sends only the description. */
    @ServerExceptionMapper
    public Response oauth(OAuthException e) {
        if (e.status() >= 500) {
            LOG.errorf("%s: %s", e.error().code(), LogSafe.of(e.getMessage()));
        } else if (LOG.isDebugEnabled()) {
            LOG.debugf("%s: %s", e.error().code(), LogSafe.of(e.getMessage()));
        }
        return render(e);
    }

    @ServerExceptionMapper
    public Response malformedJson(JsonProcessingException e) {
        LOG.debugf("malformed JSON body: %s", LogSafe.of(e.getOriginalMessage()));
        return render(OAuthException.invalidRequest("The request body is not valid JSON of the expected shape"));
    }

    @ServerExceptionMapper
    public Response mismatchedJson(MismatchedInputException e) {
        return malformedJson(e);
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        OAuthException mapped = switch (status) {
            case 404 -> OAuthException.notFound("No such resource");
            case 405 -> OAuthException.of(OAuthError.INVALID_REQUEST, "This method is not allowed here");
            case 406 -> OAuthException.invalidRequest("The requested media type cannot be produced");
            case 413 -> OAuthException.of(OAuthError.REQUEST_TOO_LARGE, "The request is too large");
            case 415 -> OAuthException.invalidRequest("Unsupported content type");
            case 401 -> OAuthException.missingBearerToken();
            case 403 -> OAuthException.of(OAuthError.ACCESS_DENIED, "Access denied");
            default -> status >= 500
                    ? OAuthException.serverError(e.toString())
                    : OAuthException.invalidRequest("The request is malformed");
        };
        Response response = render(mapped);
        if (status == 405) {
            // keep the status the method check decided, and say what is allowed when known
            Response.ResponseBuilder builder = Response.fromResponse(response).status(405);
            if (e instanceof NotAllowedException && !e.getResponse().getAllowedMethods().isEmpty()) {
                builder.allow(e.getResponse().getAllowedMethods());
            }
            return builder.build();
        }
        return response;
    }

    @ServerExceptionMapper
    public Response unexpected(Throwable e) {
        LOG.error("unexpected failure", e);
        return render(OAuthException.serverError(e.getClass().getName()));
    }

    /** The JSON error response for an exception, {@link NoStore} as RFC 6749 §5.1 asks. */
    public static Response render(OAuthException e) {
        Response.ResponseBuilder builder = NoStore.status(e.status());
        if (e.withBody()) {
            builder.type(MediaType.APPLICATION_JSON_TYPE).entity(new ErrorBody(e.error().code(), e.description()));
        }
        e.headers().forEach(builder::header);
        if (e.status() == 429 && !e.headers().containsKey("Retry-After")) {
            builder.header("Retry-After", "1");
        }
        return builder.build();
    }
}
