package io.keyfair.registry.ssf;

import java.util.Set;

import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import io.keyfair.common.admin.AdminAuthorization;
import io.keyfair.common.client.ClientStatus;
import io.keyfair.common.error.ErrorMappers;
import io.keyfair.common.error.OAuthException;
import io.keyfair.common.token.AccessTokenVerifier;
import io.keyfair.common.token.RevocationList;
import io.keyfair.common.token.VerifiedAccessToken;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Guards `/ssf/**`, where an app manages its own SSF stream (CONTRACT.md, "Security events"): a
 * bearer access token Keyfair issued to the app itself by `client_credentials` (verified against
 * the JWKS, not revoked, of a client that is approved now), with `ssf.manage`, or `ssf.read` for
 * the reads. 401 without a valid token, 403 `insufficient_scope` without the scope (RFC 6750 §3.1).
 * The stream is always the token's client's: no request can name another app's.
 */
public class StreamAuthorization {

    /** Create, change, delete the stream, set its status, ask for a verification event. */
    public static final String MANAGE = "ssf.manage";
    /** Read the stream's configuration and status. */
    public static final String READ = "ssf.read";
    /** Restricted scopes that any confidential client_credentials client may register (unlike `admin`). */
    public static final Set<String> SCOPES = Set.of(MANAGE, READ);

    private final AccessTokenVerifier verifier;
    private final RevocationList revocations;
    private final Pool pool;
    private final StreamCaller caller;

    StreamAuthorization(AccessTokenVerifier verifier, RevocationList revocations, Pool pool, StreamCaller caller) {
        this.verifier = verifier;
        this.revocations = revocations;
        this.pool = pool;
        this.caller = caller;
    }

    @ServerRequestFilter
    public Uni<Response> requireStreamToken(ContainerRequestContext request, UriInfo uri) {
        String path = uri.getPath();
        if (!path.equals("/ssf") && !path.startsWith("/ssf/")) {
            return Uni.createFrom().nullItem();
        }
        String token = AdminAuthorization.bearerToken(request.getHeaderString(HttpHeaders.AUTHORIZATION));
        if (token == null) {
            return Uni.createFrom().item(ErrorMappers.render(OAuthException.missingBearerToken()));
        }
        boolean readOnly = HttpMethod.GET.equals(request.getMethod()) || HttpMethod.HEAD.equals(request.getMethod());
        return verifier.verifyBearer(token)
                .call(this::notRevoked)
                .call(this::ofAnApprovedClient)
                .map(t -> {
                    if (!t.hasScope(MANAGE) && !(readOnly && t.hasScope(READ))) {
                        return ErrorMappers.render(OAuthException.insufficientScope(readOnly ? READ + " " + MANAGE : MANAGE));
                    }
                    caller.set(t.clientId());
                    return (Response) null;
                })
                .onFailure(OAuthException.class).recoverWithItem(e -> ErrorMappers.render((OAuthException) e));
    }

    private Uni<Void> notRevoked(VerifiedAccessToken t) {
        // the stream is the app's own: a token a user granted to it acts for the user, not the app
        if (!t.isClientToken()) {
            throw OAuthException.invalidToken("The access token must come from the app's client_credentials grant");
        }
        return revocations.isRevoked(t).invoke(revoked -> {
            if (revoked) {
                throw OAuthException.invalidToken("The access token has been revoked");
            }
        }).replaceWithVoid();
    }

    /**
     * Suspension revokes every token of the client at once; this also refuses a token of a client
     * that is not approved however it got one (CONTRACT.md: only approved clients get tokens).
     */
    private Uni<Void> ofAnApprovedClient(VerifiedAccessToken t) {
        return pool.preparedQuery("select status from clients where client_id = $1").execute(Tuple.of(t.clientId()))
                .invoke(rows -> {
                    if (rows.size() == 0 || !ClientStatus.APPROVED.value().equals(rows.iterator().next().getString("status"))) {
                        throw OAuthException.invalidToken("The access token belongs to a client that is not approved");
                    }
                })
                .replaceWithVoid();
    }
}
