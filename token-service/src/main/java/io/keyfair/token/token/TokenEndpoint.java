package io.keyfair.token.token;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

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
import io.keyfair.common.dpop.DpopNonces;
import io.keyfair.common.dpop.DpopProof;
import io.keyfair.common.dpop.DpopProofVerifier;
import io.keyfair.common.error.OAuthException;
import io.keyfair.common.http.NoStore;
import io.keyfair.common.clientauth.AuthenticatedClient;
import io.keyfair.common.clientauth.ClientAuthenticator;
import io.keyfair.common.clientauth.ClientRequest;
import io.keyfair.token.grant.GrantHandler;
import io.keyfair.token.grant.TokenResponse;
import io.keyfair.common.limit.RequestLimits;
import io.keyfair.common.limit.RequestLimits.Endpoint;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;

/**
 * The token endpoint (RFC 6749 §3.2) in fixed stages: parse, reject duplicate parameters,
 * authenticate the client, count it against its request limit (in memory), check the `DPoP` proof
 * when there is one (RFC 9449 §5; a bearer request does no DPoP work), check the grant is allowed,
 * dispatch, reply with `no-store`.
 */
@Path("/oauth/token")
public class TokenEndpoint {

    private final ClientAuthenticator authenticator;
    private final RequestLimits limits;
    private final AuditLog audit;
    private final DpopProofVerifier dpop;
    private final DpopNonces nonces;
    private final String tokenUrl;
    private final Map<String, GrantHandler> grants = new HashMap<>();
    @Inject
    IssuedTokens issued;

    TokenEndpoint(ClientAuthenticator authenticator, RequestLimits limits, AuditLog audit, DpopProofVerifier dpop, DpopNonces nonces,
            Instance<GrantHandler> handlers) {
        this.authenticator = authenticator;
        this.limits = limits;
        this.audit = audit;
        this.dpop = dpop;
        this.nonces = nonces;
        this.tokenUrl = dpop.endpointUrl("/oauth/token");
        handlers.forEach(h -> grants.put(h.grantType(), h));
    }

    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.APPLICATION_JSON)
    @APIResponse(responseCode = "200", description = "The tokens (RFC 6749 §5.1)",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = TokenResponse.class)))
    public Uni<Response> token(MultivaluedMap<String, String> form, @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
            @Context HttpHeaders headers, @Context HttpServerRequest http) {
        ClientRequest request = ClientRequest.of(form, authorization, http);
        List<String> proofs = headers.getRequestHeader(DpopProofVerifier.HEADER);
        return authenticator.authenticate(request)
                .call(client -> limits.admit(client, Endpoint.TOKEN, request.get("grant_type").orElse(null)))
                .flatMap(client -> proof(proofs, client).flatMap(proof -> dispatch(request, client, proof)
                        .map(tokens -> reply(tokens, proof))));
    }

    /**
     * RFC 9449 §4.3: the proof, checked only when the request has one; a client registered with
     * `dpop_bound_access_tokens` must always send one (§5.2).
     */
    private Uni<Optional<DpopProof>> proof(List<String> proofs, AuthenticatedClient client) {
        if ((proofs == null || proofs.isEmpty()) && client.client().dpopBoundAccessTokens()) {
            audit.recordFailure("token.invalid_dpop_proof", client.clientId(), null, Map.of("reason", "missing"));
            return Uni.createFrom().failure(OAuthException.invalidDpopProof("This client must send a DPoP proof with every token request"));
        }
        return dpop.verifySent(proofs, "POST", tokenUrl)
                .onFailure(OAuthException.class).invoke(e -> audit.recordFailure("token.invalid_dpop_proof", client.clientId(), null,
                        Map.of("reason", ((OAuthException) e).description())));
    }

    /** `no-store`, and with required nonces the current one for the client's next proof (RFC 9449 §8.2). */
    private Response reply(TokenResponse tokens, Optional<DpopProof> proof) {
        Response response = NoStore.json(tokens);
        return proof.isPresent() && nonces.required()
                ? Response.fromResponse(response).header("DPoP-Nonce", nonces.current()).build()
                : response;
    }

    private Uni<TokenResponse> dispatch(ClientRequest request, AuthenticatedClient client, Optional<DpopProof> proof) {
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
        return handler.handle(request, client, proof).invoke(() -> issued.issued(grantType, client.client()));
    }
}
