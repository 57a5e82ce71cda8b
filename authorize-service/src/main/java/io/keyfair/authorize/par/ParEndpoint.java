package io.keyfair.authorize.par;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

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

import com.fasterxml.jackson.annotation.JsonProperty;

import io.keyfair.authorize.authorization.AuthorizationParameters;
import io.keyfair.authorize.authorization.AuthorizationRequestValidator;
import io.keyfair.common.audit.AuditLog;
import io.keyfair.common.clientauth.AuthenticatedClient;
import io.keyfair.common.clientauth.ClientAuthenticator;
import io.keyfair.common.clientauth.ClientRequest;
import io.keyfair.common.dpop.DpopNonces;
import io.keyfair.common.dpop.DpopProofVerifier;
import io.keyfair.common.error.OAuthException;
import io.keyfair.common.limit.RequestLimits;
import io.keyfair.common.limit.RequestLimits.Endpoint;
import io.keyfair.common.http.NoStore;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;

/**
 * The pushed authorization request endpoint (RFC 9126 §2) in fixed stages: parse (a repeated
 * parameter is `invalid_request`), authenticate the client exactly as the token endpoint does
 * (common's {@link ClientAuthenticator}: `client_secret_basic`, `client_secret_post`, `none` for
 * public clients, with the same throttle of failures), check the parameters as the authorization
 * endpoint would, keep them ({@link PushedRequests}) and answer 201 with their `request_uri`.
 * Each authenticated request counts against the client's request limit (common's
 * {@link RequestLimits}, the `other` limit it shares with the token, revocation and
 * introspection endpoints across every replica).
 * A `DPoP` proof sent with the push (RFC 9449 §10.1) binds the code to its key as `dpop_jkt`
 * does; with both, the thumbprint must be the proof's key.
 * Errors are the token endpoint's JSON (RFC 9126 §2.3).
 */
@Path("/oauth/par")
public class ParEndpoint {

    /** The client's credentials: they authenticate this request and are not part of the authorization request. */
    private static final Set<String> CREDENTIALS = Set.of("client_secret", "client_assertion", "client_assertion_type");

    /** RFC 9126 §2.2. */
    @RegisterForReflection
    public record Pushed(@JsonProperty("request_uri") String requestUri, @JsonProperty("expires_in") long expiresIn) {
    }

    private final ClientAuthenticator authenticator;
    private final RequestLimits limits;
    private final AuthorizationRequestValidator validator;
    private final PushedRequests requests;
    private final AuditLog audit;
    private final DpopProofVerifier dpop;
    private final DpopNonces nonces;
    private final String parUrl;

    ParEndpoint(ClientAuthenticator authenticator, RequestLimits limits, AuthorizationRequestValidator validator,
            PushedRequests requests, AuditLog audit, DpopProofVerifier dpop, DpopNonces nonces) {
        this.authenticator = authenticator;
        this.limits = limits;
        this.validator = validator;
        this.requests = requests;
        this.audit = audit;
        this.dpop = dpop;
        this.nonces = nonces;
        this.parUrl = dpop.endpointUrl("/oauth/par");
    }

    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.APPLICATION_JSON)
    public Uni<Response> push(MultivaluedMap<String, String> form, @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
            @Context HttpHeaders headers, @Context HttpServerRequest http) {
        ClientRequest request = ClientRequest.of(form, authorization, http);
        List<String> proofs = headers.getRequestHeader(DpopProofVerifier.HEADER);
        boolean proved = proofs != null && !proofs.isEmpty();
        return authenticator.authenticate(request)
                .call(client -> limits.admit(client, Endpoint.PAR, null))
                .flatMap(client -> bindToProof(proofs, client, authorizationParameters(request, client))
                        .flatMap(parameters -> push(client, parameters)))
                .map(requestUri -> reply(requestUri, proved));
    }

    /**
     * RFC 9449 §10.1: a proof with the push binds the code to the proof's key, as if its
     * thumbprint had been sent as `dpop_jkt`; when `dpop_jkt` is sent as well, it must be that
     * thumbprint. Without a proof the parameters stay as sent.
     */
    private Uni<Map<String, String>> bindToProof(List<String> proofs, AuthenticatedClient client, Map<String, String> parameters) {
        return dpop.verifySent(proofs, "POST", parUrl).map(proof -> {
            if (proof.isPresent()) {
                String jkt = parameters.putIfAbsent("dpop_jkt", proof.get().jkt());
                if (jkt != null && !jkt.equals(proof.get().jkt())) {
                    throw OAuthException.invalidDpopProof("dpop_jkt is not the thumbprint of the DPoP proof's key");
                }
            }
            return parameters;
        }).onFailure(OAuthException.class).invoke(e -> audit.recordFailure("par." + ((OAuthException) e).error().code(), client.clientId(), null,
                Map.of("reason", ((OAuthException) e).description())));
    }

    /** 201 with the `request_uri`; with required nonces, the current one for the client's next proof (RFC 9449 §8.2). */
    private Response reply(String requestUri, boolean proved) {
        Response.ResponseBuilder created = NoStore.status(201).type(MediaType.APPLICATION_JSON_TYPE)
                .entity(new Pushed(requestUri, PushedRequests.LIFETIME.toSeconds()));
        if (proved && nonces.required()) {
            created.header("DPoP-Nonce", nonces.current());
        }
        return created.build();
    }

    private Uni<String> push(AuthenticatedClient client, Map<String, String> parameters) {
        return Uni.createFrom().deferred(() -> validator.pushed(client.client(), AuthorizationParameters.of(parameters)))
                .onFailure(OAuthException.class).invoke(e -> audit.recordFailure("par." + ((OAuthException) e).error().code(),
                        client.clientId(), null, Map.of("reason", ((OAuthException) e).description())))
                .flatMap(checked -> requests.push(client.clientId(), parameters));
    }

    /**
     * The authorization request's parameters: all that was sent but the credentials, with the
     * authenticated client's id (Basic authentication need not repeat it in the body).
     */
    private static Map<String, String> authorizationParameters(ClientRequest request, AuthenticatedClient client) {
        Map<String, String> parameters = new TreeMap<>(request.parameters());
        parameters.keySet().removeAll(CREDENTIALS);
        parameters.put("client_id", client.clientId());
        return parameters;
    }
}
