package io.keyfair.authorize.authorization;

import java.util.List;
import java.util.Map;
import java.util.Optional;

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

import io.keyfair.authorize.authorization.AuthorizationFlow.Pending;
import io.keyfair.authorize.authorization.AuthorizationOutcome.Failure;
import io.keyfair.authorize.page.Html;
import io.keyfair.authorize.page.Page;
import io.keyfair.authorize.page.PageException;
import io.keyfair.authorize.page.SecurityHeaders;
import io.keyfair.authorize.par.PushedRequests;
import io.keyfair.authorize.session.Session;
import io.keyfair.authorize.session.Sessions;
import io.keyfair.common.audit.AuditLog;
import io.keyfair.common.client.ClientRecord;
import io.keyfair.common.error.OAuthError;
import io.keyfair.common.error.OAuthException;
import io.smallrye.mutiny.Uni;

/**
 * The authorization endpoint (RFC 6749 §3.1), `GET` with a query or `POST` with a form body,
 * in fixed stages: the client and its redirect URI (else an error page), the rest of the
 * request (else an error redirect), then {@link AuthorizationFlow}: login, consent, code. A
 * `request_uri` from the PAR endpoint brings the parameters its client pushed (RFC 9126). A
 * framed request gets its code through a continuation page ({@link FramedContinuations}), which
 * comes back here as `GET ?continue=<id>`.
 */
@Path("/oauth/authorize")
public class AuthorizeEndpoint implements Page {

    /** The parameter of a framed authorization's continuation: its id in {@link FramedContinuations}. */
    static final String CONTINUE = "continue";

    private final AuthorizationRequestValidator validator;
    private final AuthorizationFlow flow;
    private final AuthorizationResponses responses;
    private final FramedContinuations continuations;
    private final Sessions sessions;
    private final PushedRequests pushedRequests;
    private final AuditLog audit;

    AuthorizeEndpoint(AuthorizationRequestValidator validator, AuthorizationFlow flow, AuthorizationResponses responses,
            FramedContinuations continuations, Sessions sessions, PushedRequests pushedRequests, AuditLog audit) {
        this.validator = validator;
        this.flow = flow;
        this.responses = responses;
        this.continuations = continuations;
        this.sessions = sessions;
        this.pushedRequests = pushedRequests;
        this.audit = audit;
    }

    @GET
    public Uni<Response> get(@Context UriInfo uri, @Context HttpHeaders headers) {
        AuthorizationParameters params = new AuthorizationParameters(List.of(uri.getQueryParameters()));
        if (params.get(CONTINUE) != null) {
            return resume(params.get(CONTINUE), headers);
        }
        return authorize(params, headers);
    }

    /** OpenID Connect Core §3.1.2.1: the same request, form-serialized. */
    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Uni<Response> post(MultivaluedMap<String, String> form, @Context UriInfo uri, @Context HttpHeaders headers) {
        return authorize(new AuthorizationParameters(List.of(uri.getQueryParameters(), form)), headers);
    }

    /**
     * A `request_uri` of the PAR endpoint's form stands for the parameters its client pushed;
     * anything else is an authorization request of its own.
     */
    private Uni<Response> authorize(AuthorizationParameters params, HttpHeaders headers) {
        String requestUri = params.get("request_uri");
        if (PushedRequests.isPushed(requestUri) && !params.isRepeated("request_uri")) {
            return authorizePushed(params, requestUri, headers);
        }
        return authorize(params, false, headers);
    }

    /** Stage one decides where errors go: until there is a target they are pages (and audited). */
    private Uni<Response> authorize(AuthorizationParameters params, boolean pushed, HttpHeaders headers) {
        return validator.target(params)
                .flatMap(target -> respond(target.client(), outcome(target, params, pushed, headers)))
                .onFailure(PageException.class).invoke(e -> auditRejected(params, e));
    }

    /**
     * RFC 9126 §4: the front channel names only the client and the `request_uri`; the client must
     * be good before the request is taken (once: a second use finds nothing), and then the pushed
     * parameters go through every stage as if the browser had sent them, any other parameter of
     * the front channel ignored. A `request_uri` that is unknown, expired, used or another
     * client's is an error for the target the front channel names, or a page when it names none
     * (the redirect URI was in the pushed request).
     */
    private Uni<Response> authorizePushed(AuthorizationParameters front, String requestUri, HttpHeaders headers) {
        return validator.client(front)
                .onFailure(PageException.class).invoke(e -> auditRejected(front, e))
                .flatMap(client -> pushedRequests.take(client.clientId(), requestUri))
                .flatMap(pushed -> pushed.isPresent()
                        ? authorize(AuthorizationParameters.of(pushed.get()), true, headers)
                        : authorize(front, headers, OAuthException.of(OAuthError.INVALID_REQUEST_URI,
                                "The request_uri is unknown, expired or already used")));
    }

    /** Stage one, then this error for the target. */
    private Uni<Response> authorize(AuthorizationParameters params, HttpHeaders headers, OAuthException error) {
        return validator.target(params)
                .flatMap(target -> respond(target.client(), Uni.createFrom().item(refused(target, error))))
                .onFailure(PageException.class).invoke(e -> auditRejected(params, e));
    }

    /** Stage two, then the flow; from here on the client's errors are redirected to it. */
    private Uni<AuthorizationOutcome> outcome(Target target, AuthorizationParameters params, boolean pushed, HttpHeaders headers) {
        return validator.request(target, params, pushed)
                .flatMap(request -> proceed(new Pending(null, request, target.client()), headers))
                .onFailure(OAuthException.class).recoverWithItem(e -> refused(target, (OAuthException) e));
    }

    /**
     * The continuation page of a framed request was rendered (so inside an allowed ancestor): the
     * code is issued now, for the same session only, once.
     */
    private Uni<Response> resume(String id, HttpHeaders headers) {
        return sessions.find(headers)
                .map(session -> session.orElseThrow(PageException::requestExpired))
                .flatMap(session -> resume(id, session));
    }

    private Uni<Response> resume(String id, Session session) {
        return continuations.take(id, session)
                .map(request -> request.orElseThrow(PageException::requestExpired))
                .flatMap(request -> flow.withClient(null, request))
                .flatMap(p -> respond(p.client(), flow.proceed(p, Optional.of(session), false)));
    }

    private Uni<AuthorizationOutcome> proceed(Pending p, HttpHeaders headers) {
        return sessions.find(headers).flatMap(session -> flow.proceed(p, session, false, framed(headers)));
    }

    /** The outcome as a response (302: both methods answer the client's request, not a form of ours). */
    private Uni<Response> respond(ClientRecord client, Uni<AuthorizationOutcome> outcome) {
        return outcome.flatMap(o -> responses.of(o, Html.AFTER_GET)).map(response -> framing(client, response));
    }

    /** Fetch Metadata: the browser loads this request into a frame. */
    private static boolean framed(HttpHeaders headers) {
        String destination = headers.getHeaderString("Sec-Fetch-Dest");
        return "iframe".equalsIgnoreCase(destination) || "frame".equalsIgnoreCase(destination);
    }

    private AuthorizationOutcome refused(Target target, OAuthException e) {
        audit.recordFailure("authorize." + e.error().code(), target.client().clientId(), null, Map.of("reason", e.description()));
        return new Failure(target.effectiveRedirectUri(), e, target.state());
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
                .header("Content-Security-Policy", SecurityHeaders.framableBy(client.frameAncestors()))
                .build();
    }

    private void auditRejected(AuthorizationParameters params, Throwable e) {
        String clientId = params.get("client_id");
        // only something shaped like a client id goes into the audit table
        String recorded = clientId != null && clientId.matches("[0-9A-Za-z_-]{1,32}") ? clientId : null;
        audit.recordFailure("authorize.rejected", recorded, null, Map.of("reason", e.getMessage()));
    }
}
