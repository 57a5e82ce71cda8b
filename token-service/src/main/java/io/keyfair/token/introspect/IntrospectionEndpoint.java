package io.keyfair.token.introspect;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

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

import io.keyfair.common.client.ClientDirectory;
import io.keyfair.common.client.ClientRecord;
import io.keyfair.common.config.AdminClientConfig;
import io.keyfair.common.config.OAuthConfig;
import io.keyfair.common.error.OAuthException;
import io.keyfair.common.http.NoStore;
import io.keyfair.common.token.AccessTokenVerifier;
import io.keyfair.common.token.RevocationList;
import io.keyfair.common.token.VerifiedAccessToken;
import io.keyfair.common.clientauth.AuthenticatedClient;
import io.keyfair.common.clientauth.ClientAuthenticator;
import io.keyfair.common.clientauth.ClientRequest;
import io.keyfair.common.limit.RequestLimits;
import io.keyfair.common.limit.RequestLimits.Endpoint;
import io.keyfair.token.refresh.RefreshTokens;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;

/**
 * RFC 7662 token introspection for authenticated confidential clients. The admin client and
 * resource servers (`introspection_allowed`) may introspect any token, other clients only their
 * own; everything else, and anything expired, revoked, unknown, forged or of a client that is not
 * approved, reads `{"active": false}`.
 */
@Path("/oauth/introspect")
public class IntrospectionEndpoint {

    private static final Map<String, Object> INACTIVE = Map.of("active", false);

    private final ClientAuthenticator authenticator;
    private final RequestLimits limits;
    private final AccessTokenVerifier verifier;
    private final RevocationList revocations;
    private final RefreshTokens refreshTokens;
    private final ClientDirectory clients;
    private final AdminClientConfig admin;
    private final OAuthConfig config;

    IntrospectionEndpoint(ClientAuthenticator authenticator, RequestLimits limits, AccessTokenVerifier verifier, RevocationList revocations,
            RefreshTokens refreshTokens, ClientDirectory clients, AdminClientConfig admin, OAuthConfig config) {
        this.authenticator = authenticator;
        this.limits = limits;
        this.verifier = verifier;
        this.revocations = revocations;
        this.refreshTokens = refreshTokens;
        this.clients = clients;
        this.admin = admin;
        this.config = config;
    }

    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.APPLICATION_JSON)
    public Uni<Response> introspect(MultivaluedMap<String, String> form, @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
            @Context HttpServerRequest http) {
        ClientRequest request = ClientRequest.of(form, authorization, http);
        return authenticator.authenticate(request)
                .call(caller -> limits.admit(caller, Endpoint.INTROSPECT, null))
                .flatMap(caller -> {
                    // §2.1: the endpoint is for protected resources, which authenticate
                    if (!caller.confidential()) {
                        throw OAuthException.invalidClient("Introspection requires client authentication", false);
                    }
                    String token = request.required("token");
                    Uni<Map<String, Object>> answer = token.indexOf('.') >= 0 ? accessToken(token, caller) : refreshToken(token, caller);
                    return answer.map(NoStore::json);
                });
    }

    private boolean mayInspect(AuthenticatedClient caller, String tokenClientId) {
        return caller.clientId().equals(tokenClientId) || caller.client().introspectionAllowed()
                || admin.isAdminClient(caller.clientId());
    }

    private Uni<Map<String, Object>> accessToken(String token, AuthenticatedClient caller) {
        return verifier.verify(token)
                .flatMap(t -> !mayInspect(caller, t.clientId())
                        ? Uni.createFrom().item(INACTIVE)
                        : revocations.isRevoked(t).flatMap(revoked -> revoked
                                ? Uni.createFrom().item(INACTIVE)
                                : clients.find(t.clientId()).map(owner -> approved(owner) ? active(t) : INACTIVE)))
                .onFailure(OAuthException.class).recoverWithItem(INACTIVE);
    }

    private Uni<Map<String, Object>> refreshToken(String token, AuthenticatedClient caller) {
        return refreshTokens.inspect(token).flatMap(found -> {
            if (found.isEmpty() || !found.get().active() || !mayInspect(caller, found.get().family().clientId())) {
                return Uni.createFrom().item(INACTIVE);
            }
            RefreshTokens.Inspected inspected = found.get();
            return clients.find(inspected.family().clientId()).map(owner -> {
                if (!approved(owner)) {
                    return INACTIVE;
                }
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("active", true);
                body.put("token_type", "refresh_token");
                body.put("scope", String.join(" ", inspected.family().scopes()));
                body.put("client_id", inspected.family().clientId());
                body.put("sub", inspected.family().userId());
                body.put("iss", config.issuer());
                body.put("iat", inspected.issuedAt());
                body.put("exp", inspected.family().expiresAtEpochSeconds());
                return body;
            });
        });
    }

    private static boolean approved(Optional<ClientRecord> owner) {
        return owner.map(ClientRecord::isApproved).orElse(false);
    }

    private Map<String, Object> active(VerifiedAccessToken t) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("active", true);
        // RFC 9449 §6.2: a bound token says so, and names its key
        body.put("token_type", t.isDpopBound() ? "DPoP" : "access_token");
        body.put("scope", String.join(" ", t.scopes()));
        body.put("client_id", t.clientId());
        body.put("sub", t.subject());
        body.put("aud", List.of(t.audience()));
        body.put("iss", config.issuer());
        body.put("iat", t.issuedAt());
        body.put("exp", t.expiresAt());
        body.put("jti", t.jti());
        if (t.isDpopBound()) {
            body.put("cnf", Map.of("jkt", t.jkt()));
        }
        return body;
    }
}
