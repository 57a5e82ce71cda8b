package io.keyfair.authorize.authorize;

import java.util.List;
import java.util.Map;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import io.keyfair.authorize.authorize.AuthorizationFlow.Pending;
import io.keyfair.authorize.page.ErrorPage;
import io.keyfair.authorize.page.PageException;
import io.keyfair.authorize.session.Sessions;
import io.keyfair.common.audit.AuditLog;
import io.keyfair.common.client.ClientRecord;
import io.keyfair.common.error.OAuthException;
import io.smallrye.mutiny.Uni;

/**
 * The authorization endpoint (RFC 6749 §3.1), `GET` with a query or `POST` with a form body,
 * in fixed stages: the client and its redirect URI (else an error page), the rest of the
 * request (else an error redirect), then {@link AuthorizationFlow}: login, consent, code.
 */
@Path("/oauth/authorize")
public class AuthorizeEndpoint {

    private final AuthorizationRequestValidator validator;
    private final AuthorizationFlow flow;
    private final AuthorizationResponses responses;
    private final Sessions sessions;
    private final ErrorPage errorPage;
    private final AuditLog audit;

    AuthorizeEndpoint(AuthorizationRequestValidator validator, AuthorizationFlow flow, AuthorizationResponses responses,
            Sessions sessions, ErrorPage errorPage, AuditLog audit) {
        this.validator = validator;
        this.flow = flow;
        this.responses = responses;
        this.sessions = sessions;
        this.errorPage = errorPage;
        this.audit = audit;
    }

    @GET
    public Uni<Response> get(@Context UriInfo uri, @Context HttpHeaders headers) {
        return authorize(new AuthorizationParameters(List.of(uri.getQueryParameters())), headers);
    }

    /** OpenID Connect Core §3.1.2.1: the same request, form-serialized. */
    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Uni<Response> post(MultivaluedMap<String, String> form, @Context UriInfo uri, @Context HttpHeaders headers) {
        return authorize(new AuthorizationParameters(List.of(uri.getQueryParameters(), form)), headers);
    }

    private Uni<Response> authorize(AuthorizationParameters params, HttpHeaders headers) {
        return validator.target(params)
                .flatMap(target -> validator.request(target, params)
                        .flatMap(request -> sessions.find(headers)
                                .flatMap(session -> flow.proceed(new Pending(null, request, target.client()), session, false,
                                        AuthorizationFlow.AFTER_GET)))
                        .onFailure(OAuthException.class).recoverWithItem(e -> redirectError(target, (OAuthException) e))
                        .map(response -> framing(target.client(), response)))
                .onFailure(PageException.class).invoke(e -> auditRejected(params, e))
                .onFailure().recoverWithUni(errorPage::from);
    }

    private Response redirectError(Target target, OAuthException e) {
        audit.recordFailure("authorize." + e.error().code(), target.client().clientId(), null, Map.of("reason", e.description()));
        return responses.error(target.effectiveRedirectUri(), e, target.state(), AuthorizationFlow.AFTER_GET);
    }

    /**
     * A trusted client may frame this endpoint from its registered origins (transparent
     * authorization in an invisible iframe); everyone else gets the page default, no framing.
     */
    private static Response framing(ClientRecord client, Response response) {
        if (!client.trusted() || client.frameAncestors().isEmpty()) {
            return response;
        }
        return Response.fromResponse(response)
                .header("Content-Security-Policy", "frame-ancestors " + String.join(" ", client.frameAncestors()))
                .build();
    }

    private void auditRejected(AuthorizationParameters params, Throwable e) {
        String clientId = params.get("client_id");
        // only something shaped like a client id goes into the audit table
        String recorded = clientId != null && clientId.matches("[0-9A-Za-z_-]{1,32}") ? clientId : null;
        audit.recordFailure("authorize.rejected", recorded, null, Map.of("reason", e.getMessage()));
    }
}
