package io.keyfair.common.admin;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import io.keyfair.common.error.ErrorMappers;
import io.keyfair.common.error.OAuthException;
import io.keyfair.common.token.AccessTokenVerifier;
import io.keyfair.common.token.RevocationList;
import io.smallrye.mutiny.Uni;

/**
 * Guards every `/admin/**` path: a bearer access token issued by our token-service (verified
 * against its JWKS, not revoked) carrying the `admin` scope. 401 without a valid token, 403
 * without the scope (RFC 6750 §3.1).
 */
public class AdminAuthorization {

    public static final String ADMIN_SCOPE = "admin";

    private final AccessTokenVerifier verifier;
    private final RevocationList revocations;
    private final AdminCaller caller;

    AdminAuthorization(AccessTokenVerifier verifier, RevocationList revocations, AdminCaller caller) {
        this.verifier = verifier;
        this.revocations = revocations;
        this.caller = caller;
    }

    @ServerRequestFilter
    public Uni<Response> requireAdmin(ContainerRequestContext request, UriInfo uri) {
        String path = uri.getPath();
        if (!path.equals("/admin") && !path.startsWith("/admin/")) {
            return Uni.createFrom().nullItem();
        }
        String token = bearerToken(request.getHeaderString(HttpHeaders.AUTHORIZATION));
        if (token == null) {
            return Uni.createFrom().item(ErrorMappers.render(OAuthException.missingBearerToken()));
        }
        return verifier.verifyBearer(token)
                .call(t -> revocations.isRevoked(t).invoke(revoked -> {
                    if (revoked) {
                        throw OAuthException.invalidToken("The access token has been revoked");
                    }
                }))
                .map(t -> {
                    if (!t.hasScope(ADMIN_SCOPE)) {
                        return ErrorMappers.render(OAuthException.insufficientScope(ADMIN_SCOPE));
                    }
                    caller.set(t);
                    return (Response) null;
                })
                .onFailure(OAuthException.class).recoverWithItem(e -> ErrorMappers.render((OAuthException) e));
    }

    /** The token of an `Authorization: Bearer …` header (RFC 6750 §2.1), or null. */
    public static String bearerToken(String authorization) {
        if (authorization == null || authorization.length() < 7
                || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        String token = authorization.substring(7).trim();
        return token.isEmpty() ? null : token;
    }
}
