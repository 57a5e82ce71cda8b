package io.keyfair.token.revoke;

import java.util.Map;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;

import io.keyfair.common.audit.AuditLog;
import io.keyfair.common.error.OAuthException;
import io.keyfair.common.http.NoStore;
import io.keyfair.common.token.AccessTokenVerifier;
import io.keyfair.common.token.RevocationList;
import io.keyfair.common.clientauth.AuthenticatedClient;
import io.keyfair.common.clientauth.ClientAuthenticator;
import io.keyfair.common.clientauth.ClientRequest;
import io.keyfair.common.limit.RequestLimits;
import io.keyfair.common.limit.RequestLimits.Endpoint;
import io.keyfair.token.refresh.RefreshTokens;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;

/**
 * RFC 7009 token revocation. A client revokes its own access tokens (by `jti`, at once for every
 * service) and refresh tokens (the whole family, and the grant's access tokens with it, §2.1).
 * The answer is 200 whether or not the token was known or the client's own (§2.2).
 */
@Path("/oauth/revoke")
public class RevocationEndpoint {

    private final ClientAuthenticator authenticator;
    private final RequestLimits limits;
    private final AccessTokenVerifier verifier;
    private final RevocationList revocations;
    private final RefreshTokens refreshTokens;
    private final AuditLog audit;

    RevocationEndpoint(ClientAuthenticator authenticator, RequestLimits limits, AccessTokenVerifier verifier, RevocationList revocations,
            RefreshTokens refreshTokens, AuditLog audit) {
        this.authenticator = authenticator;
        this.limits = limits;
        this.verifier = verifier;
        this.revocations = revocations;
        this.refreshTokens = refreshTokens;
        this.audit = audit;
    }

    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.APPLICATION_JSON)
    public Uni<Response> revoke(MultivaluedMap<String, String> form, @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
            @Context HttpServerRequest http) {
        ClientRequest request = ClientRequest.of(form, authorization, http);
        return authenticator.authenticate(request)
                .call(client -> limits.admit(client, Endpoint.REVOKE, null))
                .flatMap(client -> {
                    String token = request.required("token");
                    // a JWT has dots; our refresh tokens are hex
                    Uni<Void> revoked = token.indexOf('.') >= 0 ? revokeAccessToken(token, client) : revokeRefreshToken(token, client);
                    return revoked.replaceWith(NoStore.status(200).build());
                });
    }

    private Uni<Void> revokeAccessToken(String token, AuthenticatedClient client) {
        return verifier.verify(token)
                .flatMap(t -> {
                    if (!t.clientId().equals(client.clientId())) {
                        return Uni.createFrom().voidItem();
                    }
                    return revocations.revoke(t.jti(), t.expiresAt())
                            .call(() -> audit.record("token.revoked", t.clientId(), t.isClientToken() ? null : t.subject(),
                                    null, Map.of("token_type", "access_token")));
                })
                // forged, expired or otherwise unusable: nothing to revoke
                .onFailure(OAuthException.class).recoverWithNull().replaceWithVoid();
    }

    private Uni<Void> revokeRefreshToken(String token, AuthenticatedClient client) {
        return refreshTokens.inspect(token).flatMap(found -> {
            if (found.isEmpty() || !found.get().family().clientId().equals(client.clientId())) {
                return Uni.createFrom().voidItem();
            }
            var family = found.get().family();
            return refreshTokens.revokeFamily(family, "revoked")
                    .call(() -> audit.record("token.revoked", family.clientId(), family.userId(), null,
                            Map.of("token_type", "refresh_token")));
        });
    }
}
