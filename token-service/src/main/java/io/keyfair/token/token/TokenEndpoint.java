package io.keyfair.token.token;

import java.util.HashMap;
import java.util.Map;

import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
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

import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

import io.keyfair.common.audit.AuditLog;
import io.keyfair.common.error.OAuthException;
import io.keyfair.common.http.NoStore;
import io.keyfair.token.clientauth.AuthenticatedClient;
import io.keyfair.token.clientauth.ClientAuthenticator;
import io.keyfair.token.clientauth.ClientRequest;
import io.keyfair.token.grant.GrantHandler;
import io.keyfair.token.grant.TokenResponse;
import io.keyfair.token.limit.RequestLimits;
import io.keyfair.token.limit.RequestLimits.Endpoint;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;

/**
 * The token endpoint (RFC 6749 §3.2) in fixed stages: parse, reject duplicate parameters,
 * authenticate the client, count it against its request limit (in memory), check the grant is allowed,
 * dispatch, reply with `no-store`.
 */
@Path("/oauth/token")
public class TokenEndpoint {

    private final ClientAuthenticator authenticator;
    private final RequestLimits limits;
    private final AuditLog audit;
    private final Map<String, GrantHandler> grants = new HashMap<>();
    @Inject
    IssuedTokens issued;

    TokenEndpoint(ClientAuthenticator authenticator, RequestLimits limits, AuditLog audit, Instance<GrantHandler> handlers) {
        this.authenticator = authenticator;
        this.limits = limits;
        this.audit = audit;
        handlers.forEach(h -> grants.put(h.grantType(), h));
    }

    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.APPLICATION_JSON)
    @APIResponse(responseCode = "200", description = "The tokens (RFC 6749 §5.1)",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = TokenResponse.class)))
    public Uni<Response> token(MultivaluedMap<String, String> form, @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
            @Context HttpServerRequest http) {
        ClientRequest request = ClientRequest.of(form, authorization, http);
        return authenticator.authenticate(request)
                .call(client -> limits.admit(client, Endpoint.TOKEN, request.get("grant_type").orElse(null)))
                .flatMap(client -> dispatch(request, client))
                .map(NoStore::json);
    }

    private Uni<TokenResponse> dispatch(ClientRequest request, AuthenticatedClient client) {
        String grantType = request.required("grant_type");
        GrantHandler handler = grants.get(grantType);
        if (handler == null) {
            // implicit and password are deliberately absent (RFC 9700 §2.4)
            throw OAuthException.unsupportedGrantType("The grant type is not supported");
        }
        // RFC 6749 §5.2 unauthorized_client: the client is not registered for this grant
        if (!client.client().grantTypes().contains(grantType)) {
            audit.recordFailure("token.unauthorized_client", client.clientId(), null, Map.of("grant_type", grantType));
            throw OAuthException.unauthorizedClient("The client is not allowed to use this grant type");
        }
        return handler.handle(request, client).invoke(() -> issued.issued(grantType, client.client()));
    }
}
