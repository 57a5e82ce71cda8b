package io.keyfair.userinfo;

import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

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
import io.keyfair.common.dpop.DpopNonces;
import io.keyfair.common.dpop.DpopProofVerifier;
import io.keyfair.common.error.ErrorMappers;
import io.keyfair.common.error.OAuthError;
import io.keyfair.common.error.OAuthException;
import io.keyfair.common.http.NoStore;
import io.keyfair.common.token.AccessTokenVerifier;
import io.keyfair.common.token.RevocationList;
import io.keyfair.common.token.VerifiedAccessToken;
import io.keyfair.common.user.UserClaims;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;

/**
 * The UserInfo endpoint (OpenID Connect Core §5.3), in fixed stages: take the bearer token from
 * the one place it was sent (RFC 6750 §2), verify it locally, ask Redis once whether it was
 * revoked while reading the user (at most one PostgreSQL read, often none), refuse what RFC 6750
 * §3.1 refuses, and reply with the claims the token's scopes release, `no-store`.
 *
 * <p>A DPoP-bound token (RFC 9449 §7) comes as `Authorization: DPoP …` with a `DPoP` proof of its
 * key for this request (`htm`, `htu`, `ath`); presented as `Bearer`, or with no valid proof, it is
 * refused with a `DPoP` challenge. The proof's replay check runs beside the revocation check, and
 * a bearer request does no DPoP work at all.
 */
@Path("/oauth/userinfo")
@Produces(MediaType.APPLICATION_JSON)
public class UserInfoEndpoint {

    private static final String ACCESS_TOKEN = "access_token";
    private static final Set<OAuthError> CHALLENGED = EnumSet.of(OAuthError.INVALID_TOKEN,
            OAuthError.INVALID_DPOP_PROOF, OAuthError.USE_DPOP_NONCE);

    private final AccessTokenVerifier verifier;
    private final RevocationList revocations;
    private final UserClaimsStore users;
    private final AuditLog audit;
    private final ClientDirectory clients;
    private final DpopProofVerifier dpop;
    private final DpopNonces nonces;
    private final String userinfoUrl;

    UserInfoEndpoint(AccessTokenVerifier verifier, RevocationList revocations, UserClaimsStore users, AuditLog audit,
            ClientDirectory clients, DpopProofVerifier dpop, DpopNonces nonces) {
        this.verifier = verifier;
        this.revocations = revocations;
        this.users = users;
        this.audit = audit;
        this.clients = clients;
        this.dpop = dpop;
        this.nonces = nonces;
        this.userinfoUrl = dpop.endpointUrl("/oauth/userinfo");
    }

    /**
     * The access token as the request presented it.
     *
     * @param dpop sent as `Authorization: DPoP …` (RFC 9449 §7.1) rather than as a bearer token
     */
    record Presented(String token, boolean dpop) {
    }

    @GET
    public Uni<Response> get(HttpHeaders headers, UriInfo uri, HttpServerRequest http) {
        return userinfo(presented(headers, uri, List.of()), headers, http);
    }

    /** RFC 6750 §2.2: a form-encoded body may carry the token instead of the header. */
    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Uni<Response> postForm(MultivaluedMap<String, String> form, HttpHeaders headers, UriInfo uri, HttpServerRequest http) {
        List<String> inBody = form.get(ACCESS_TOKEN);
        return userinfo(presented(headers, uri, inBody == null ? List.of() : inBody), headers, http);
    }

    /** Any other POST, with or without a body: the token can only be in the header. */
    @POST
    public Uni<Response> post(HttpHeaders headers, UriInfo uri, HttpServerRequest http) {
        return userinfo(presented(headers, uri, List.of()), headers, http);
    }


    /**
     * RFC 6750 §2: "Clients MUST NOT use more than one method to transmit the token in each
     * request." The URI query (§2.3) is not accepted at all: a token there ends up in logs.
     */
    static Presented presented(HttpHeaders headers, UriInfo uri, List<String> inBody) {
        if (uri.getQueryParameters().containsKey(ACCESS_TOKEN)) {
            throw OAuthException.invalidRequest("The access token must be sent in the Authorization header or the form body, not in the URI");
        }
        List<String> authorization = headers.getRequestHeader(HttpHeaders.AUTHORIZATION);
        if (authorization != null && authorization.size() > 1) {
            throw OAuthException.invalidRequest("The Authorization header was sent more than once");
        }
        String header = authorization == null || authorization.isEmpty() ? null : authorization.get(0);
        String dpopToken = dpopToken(header);
        String inHeader = dpopToken != null ? dpopToken : header == null ? null : AdminAuthorization.bearerToken(header);
        if (inBody.size() > 1 || (inHeader != null && !inBody.isEmpty())) {
            throw OAuthException.invalidRequest("The access token was sent more than once");
        }
        String token = inHeader != null ? inHeader : inBody.isEmpty() ? null : inBody.get(0).trim();
        // RFC 6750 §3.1: no token at all gets a bare challenge without an error code
        if (token == null || token.isEmpty()) {
            throw OAuthException.missingBearerToken();
        }
        return new Presented(token, dpopToken != null);
    }

    /** RFC 9449 §7.1: the token of an `Authorization: DPoP <token>` header (scheme case-insensitive), else null. */
    private static String dpopToken(String authorization) {
        if (authorization == null || authorization.length() < 6 || !authorization.regionMatches(true, 0, "DPoP ", 0, 5)) {
            return null;
        }
        String token = authorization.substring(5).trim();
        return token.isEmpty() ? null : token;
    }

    private Uni<Response> userinfo(Presented presented, HttpHeaders headers, HttpServerRequest http) {
        if (!presented.dpop()) {
            return verifier.verify(presented.token()).flatMap(token -> revocationAndUser(token, null));
        }
        // every token or proof refusal of a DPoP request is a 401 DPoP challenge (RFC 9449 §7.1)
        return verifier.verify(presented.token())
                .flatMap(token -> revocationAndUser(token, proofOf(token, presented.token(), headers, http)))
                .onFailure(OAuthException.class).transform(e -> {
                    OAuthException refusal = (OAuthException) e;
                    return CHALLENGED.contains(refusal.error()) ? dpopChallenge(refusal) : refusal;
                });
    }

    /**
     * RFC 9449 §7.1: the request's one `DPoP` proof, for this method and URL, carrying the hash of
     * this token, by the key the token is bound to; a failure is the `DPoP` challenge.
     */
    private Uni<Void> proofOf(VerifiedAccessToken token, String raw, HttpHeaders headers, HttpServerRequest http) {
        if (!token.isDpopBound()) {
            return Uni.createFrom().failure(refused("userinfo.invalid_dpop_proof", token,
                    OAuthException.invalidToken("The access token is not bound to a DPoP key")));
        }
        List<String> proofs = headers.getRequestHeader(DpopProofVerifier.HEADER);
        if (proofs == null || proofs.size() != 1) {
            return Uni.createFrom().failure(refused("userinfo.invalid_dpop_proof", token,
                    OAuthException.invalidDpopProof("Exactly one DPoP proof is required with a DPoP-bound token")));
        }
        return dpop.verify(proofs.get(0), http.method().name(), userinfoUrl, raw)
                .map(proof -> {
                    if (!proof.jkt().equals(token.jkt())) {
                        throw OAuthException.invalidDpopProof("The DPoP proof's key is not the one the access token is bound to");
                    }
                    return (Void) null;
                })
                .onFailure(OAuthException.class).transform(e -> refused("userinfo.invalid_dpop_proof", token, (OAuthException) e));
    }

    /**
     * RFC 9449 §7.1: a 401 with a `DPoP` challenge naming the error and the algorithms a proof may
     * use (with the nonce header of a `use_dpop_nonce`, §9).
     */
    private static OAuthException dpopChallenge(OAuthException e) {
        String error = e.error().code();
        return e.asChallenge(401, Map.of("WWW-Authenticate", "DPoP error=\"" + error + "\", error_description=\""
                + e.description().replace("\"", "'") + "\", algs=\"" + DpopProofVerifier.ALGS + "\""));
    }

    /**
     * The Redis and PostgreSQL reads run side by side; the scope, known locally, decides if the user
     * is read. A DPoP request's proof check (one more Redis step) runs beside them too. A request
     * from another origin also looks up the token's client (from memory, mostly), whose registered
     * origins decide whether the browser may read the answer.
     *
     * @param proof the DPoP proof check of a DPoP request, or null for a bearer request
     */
    private Uni<Response> revocationAndUser(VerifiedAccessToken token, Uni<Void> proof) {
        // RFC 9449 §7.2: a bound token presented as a bearer token is refused
        if (proof == null && token.isDpopBound()) {
            return Uni.createFrom().failure(refused("userinfo.bound_token_as_bearer", token,
                    dpopChallenge(OAuthException.invalidToken("The access token is DPoP-bound: present it with the DPoP scheme and a proof"))));
        }
        Uni<Optional<UserClaims>> user = !token.isClientToken() && token.hasScope(UserClaims.OPENID)
                ? users.find(token.subject())
                : Uni.createFrom().item(Optional.empty());
        Uni<Void> proven = proof == null ? Uni.createFrom().voidItem() : proof;
        Uni<Void> cors = CorsClient.wanted()
                ? clients.find(token.clientId()).invoke(found -> found.ifPresent(CorsClient::identified)).replaceWithVoid()
                        // without the client the answer is only not readable cross-origin: never fail for it
                        .onFailure().recoverWithNull()
                : Uni.createFrom().voidItem();
        return Uni.combine().all().unis(revocations.isRevoked(token), user, proven, cors).asTuple()
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
