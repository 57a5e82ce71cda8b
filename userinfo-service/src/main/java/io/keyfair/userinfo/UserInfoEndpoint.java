package io.keyfair.userinfo;

import java.util.List;
import java.util.Optional;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import io.keyfair.common.admin.AdminAuthorization;
import io.keyfair.common.audit.AuditLog;
import io.keyfair.common.client.ClientDirectory;
import io.keyfair.common.cors.CorsClient;
import io.keyfair.common.error.ErrorMappers;
import io.keyfair.common.error.OAuthError;
import io.keyfair.common.error.OAuthException;
import io.keyfair.common.http.NoStore;
import io.keyfair.common.token.AccessTokenVerifier;
import io.keyfair.common.token.RevocationList;
import io.keyfair.common.token.VerifiedAccessToken;
import io.keyfair.common.user.UserClaims;
import io.smallrye.mutiny.Uni;

/**
 * The UserInfo endpoint (OpenID Connect Core §5.3), in fixed stages: take the bearer token from
 * the one place it was sent (RFC 6750 §2), verify it locally, ask Redis once whether it was
 * revoked while reading the user (at most one PostgreSQL read, often none), refuse what RFC 6750
 * §3.1 refuses, and reply with the claims the token's scopes release, `no-store`.
 */
@Path("/oauth/userinfo")
@Produces(MediaType.APPLICATION_JSON)
public class UserInfoEndpoint {

    private static final String ACCESS_TOKEN = "access_token";

    private final AccessTokenVerifier verifier;
    private final RevocationList revocations;
    private final UserClaimsStore users;
    private final AuditLog audit;
    private final ClientDirectory clients;

    UserInfoEndpoint(AccessTokenVerifier verifier, RevocationList revocations, UserClaimsStore users, AuditLog audit,
            ClientDirectory clients) {
        this.verifier = verifier;
        this.revocations = revocations;
        this.users = users;
        this.audit = audit;
        this.clients = clients;
    }

    @GET
    public Uni<Response> get(HttpHeaders headers, UriInfo uri) {
        return userinfo(presentedToken(headers, uri, List.of()));
    }

    /** RFC 6750 §2.2: a form-encoded body may carry the token instead of the header. */
    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Uni<Response> postForm(MultivaluedMap<String, String> form, HttpHeaders headers, UriInfo uri) {
        List<String> inBody = form.get(ACCESS_TOKEN);
        return userinfo(presentedToken(headers, uri, inBody == null ? List.of() : inBody));
    }

    /** Any other POST, with or without a body: the token can only be in the header. */
    @POST
    public Uni<Response> post(HttpHeaders headers, UriInfo uri) {
        return userinfo(presentedToken(headers, uri, List.of()));
    }

    /**
     * RFC 6750 §2: "Clients MUST NOT use more than one method to transmit the token in each
     * request." The URI query (§2.3) is not accepted at all: a token there ends up in logs.
     */
    static String presentedToken(HttpHeaders headers, UriInfo uri, List<String> inBody) {
        if (uri.getQueryParameters().containsKey(ACCESS_TOKEN)) {
            throw OAuthException.invalidRequest("The access token must be sent in the Authorization header or the form body, not in the URI");
        }
        List<String> authorization = headers.getRequestHeader(HttpHeaders.AUTHORIZATION);
        if (authorization != null && authorization.size() > 1) {
            throw OAuthException.invalidRequest("The Authorization header was sent more than once");
        }
        String inHeader = authorization == null || authorization.isEmpty() ? null : AdminAuthorization.bearerToken(authorization.get(0));
        if (inBody.size() > 1 || (inHeader != null && !inBody.isEmpty())) {
            throw OAuthException.invalidRequest("The access token was sent more than once");
        }
        String token = inHeader != null ? inHeader : inBody.isEmpty() ? null : inBody.get(0).trim();
        // RFC 6750 §3.1: no token at all gets a bare challenge without an error code
        if (token == null || token.isEmpty()) {
            throw OAuthException.missingBearerToken();
        }
        return token;
    }

    private Uni<Response> userinfo(String token) {
        return verifier.verify(token).flatMap(this::revocationAndUser);
    }

    /**
     * The Redis and PostgreSQL reads run side by side; the scope, known locally, decides if the
     * user is read. A request from another origin also looks up the token's client (from memory,
     * mostly), whose registered origins decide whether the browser may read the answer.
     */
    private Uni<Response> revocationAndUser(VerifiedAccessToken token) {
        Uni<Optional<UserClaims>> user = !token.isClientToken() && token.hasScope(UserClaims.OPENID)
                ? users.find(token.subject())
                : Uni.createFrom().item(Optional.empty());
        Uni<Void> cors = CorsClient.wanted()
                ? clients.find(token.clientId()).invoke(found -> found.ifPresent(CorsClient::identified)).replaceWithVoid()
                        // without the client the answer is only not readable cross-origin: never fail for it
                        .onFailure().recoverWithNull()
                : Uni.createFrom().voidItem();
        return Uni.combine().all().unis(revocations.isRevoked(token), user, cors).asTuple()
                .map(found -> answer(token, found.getItem1(), found.getItem2()));
    }

    private Response answer(VerifiedAccessToken token, boolean revoked, Optional<UserClaims> user) {
        // CONTRACT: a revoked access token fails userinfo at once, before it expires
        if (revoked) {
            throw refused("userinfo.token_revoked", token, OAuthException.invalidToken("The access token has been revoked"));
        }
        // a client_credentials token speaks for no user: there is nobody to describe
        if (token.isClientToken()) {
            refused("userinfo.client_token", token, null);
            return clientTokenRefused();
        }
        // OpenID Connect Core §5.3: the access token must have been obtained with openid
        if (!token.hasScope(UserClaims.OPENID)) {
            throw refused("userinfo.insufficient_scope", token, OAuthException.insufficientScope(UserClaims.OPENID));
        }
        // the user was deleted after the token was issued
        UserClaims claims = user.orElseThrow(() -> refused("userinfo.unknown_user", token,
                OAuthException.invalidToken("The user of the access token no longer exists")));
        return NoStore.json(claims.releasedTo(token.subject(), token.scopes()));
    }

    /** Audits a refusal of a token whose ids are trustworthy (it verified); forged ones are not audited. */
    private OAuthException refused(String type, VerifiedAccessToken token, OAuthException e) {
        audit.recordFailure(type, token.clientId(), token.isClientToken() ? null : token.subject(), null);
        return e;
    }

    /** RFC 6750 §3.1: 403 with an insufficient_scope challenge; no scope would make the token fit. */
    private static Response clientTokenRefused() {
        String description = "The access token was issued to a client for itself and names no user";
        Response error = ErrorMappers.render(OAuthException.of(OAuthError.INSUFFICIENT_SCOPE, description));
        return Response.fromResponse(error)
                .header("WWW-Authenticate", "Bearer realm=\"keyfair\", error=\"insufficient_scope\", error_description=\""
                        + description + "\"")
                .build();
    }
}
