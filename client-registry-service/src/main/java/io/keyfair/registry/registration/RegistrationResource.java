package io.keyfair.registry.registration;

import java.time.Clock;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

import io.keyfair.common.admin.AdminAuthorization;
import io.keyfair.common.client.ClientStatus;
import io.keyfair.common.error.OAuthException;
import io.keyfair.common.http.NoStore;
import io.keyfair.common.scope.Scope;
import io.keyfair.common.scope.ScopeCatalog;
import io.keyfair.common.secret.Secrets;
import io.keyfair.registry.JsonBody;
import io.keyfair.registry.client.ClientMetadata;
import io.keyfair.registry.client.ClientMetadataValidator;
import io.keyfair.registry.client.ClientRegistrar;
import io.keyfair.registry.client.RegisteredClient;
import io.keyfair.registry.ssf.StreamAuthorization;
import io.smallrye.mutiny.Uni;

/**
 * `POST /oauth/register`, RFC 7591 dynamic client registration with an initial access token
 * (RFC 7591 §3) from {@link InitialAccessTokensResource}. The same metadata and checks as the
 * admin API, but nothing only an admin may grant; the new client is always `pending`.
 */
@Path("/oauth/register")
@Produces(MediaType.APPLICATION_JSON)
public class RegistrationResource {

    /** The audit actor of a dynamic registration. */
    static final String ACTOR = "initial_access_token";

    private final InitialAccessTokens tokens;
    private final ClientMetadataValidator validator;
    private final ClientRegistrar registrar;
    private final ScopeCatalog catalog;
    private final Clock clock;

    RegistrationResource(InitialAccessTokens tokens, ClientMetadataValidator validator, ClientRegistrar registrar,
            ScopeCatalog catalog, Clock clock) {
        this.tokens = tokens;
        this.validator = validator;
        this.registrar = registrar;
        this.catalog = catalog;
        this.clock = clock;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @APIResponse(responseCode = "201", description = "Registered (pending approval); the secret is shown only now",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = RegisteredClient.class)))
    public Uni<Response> register(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization, @RequestBody(required = true,
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ClientMetadata.class))) String body) {
        String token = AdminAuthorization.bearerToken(authorization);
        if (token == null) {
            // RFC 6750 §3.1: no token, a bare challenge
            throw OAuthException.missingBearerToken();
        }
        return checkInitialAccessToken(token)
                .map(ignored -> JsonBody.required(body, OAuthException::invalidClientMetadata).json())
                .flatMap(json -> validator.validate(json).call(metadata -> refusePrivileged(metadata)))
                .flatMap(metadata -> registrar.register(metadata, ClientStatus.PENDING, "client.registered", ACTOR))
                .map(RegistrationResource::created);
    }

    private Uni<Void> checkInitialAccessToken(String token) {
        return tokens.isLive(Secrets.sha256(token), clock.instant())
                .invoke(live -> {
                    if (!live) {
                        throw OAuthException.invalidToken("The initial access token is unknown or expired");
                    }
                })
                .replaceWithVoid();
    }

    /**
     * What only an admin may decide: trust, introspection, dedicated apps, framing, request limits,
     * restricted scopes (`admin`) other than the SSF ones, which any confidential client_credentials
     * client may register for its own stream (CONTRACT.md, "Client registry").
     */
    private Uni<Void> refusePrivileged(ClientMetadata metadata) {
        if (metadata.trusted()) {
            throw OAuthException.invalidClientMetadata("trusted can only be set by an admin");
        }
        if (metadata.introspectionAllowed()) {
            throw OAuthException.invalidClientMetadata("introspection_allowed can only be set by an admin");
        }
        if (metadata.dedicated()) {
            throw OAuthException.invalidClientMetadata("A dedicated app can only be registered by an admin");
        }
        if (!metadata.frameAncestors().isEmpty()) {
            throw OAuthException.invalidClientMetadata("frame_ancestors can only be set by an admin");
        }
        if (metadata.rateLimits() != null) {
            throw OAuthException.invalidClientMetadata("rate_limits can only be set by an admin");
        }
        return catalog.all().invoke(scopes -> {
            for (String name : metadata.scopes()) {
                Scope scope = scopes.get(name);
                if (scope != null && scope.restricted() && !StreamAuthorization.SCOPES.contains(name)) {
                    throw OAuthException.invalidClientMetadata("The " + name + " scope can only be granted by an admin");
                }
            }
        }).replaceWithVoid();
    }

    private static Response created(RegisteredClient registered) {
        return NoStore.status(201).entity(registered).build();
    }
}
