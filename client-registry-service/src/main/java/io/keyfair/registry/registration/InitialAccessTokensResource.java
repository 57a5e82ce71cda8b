package io.keyfair.registry.registration;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;

import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

import org.jboss.logging.Logger;

import io.keyfair.common.admin.AdminCaller;
import io.keyfair.common.audit.AuditLog;
import io.keyfair.common.error.OAuthException;
import io.keyfair.common.http.NoStore;
import io.keyfair.common.secret.Secrets;
import io.keyfair.registry.JsonBody;
import io.smallrye.mutiny.Uni;

/**
 * `POST /admin/initial-access-tokens` `{expires_in}` (60 s to 30 days, default one day): a token
 * that {@link RegistrationResource} accepts for RFC 7591 dynamic registration until it expires.
 */
@Path("/admin/initial-access-tokens")
@Produces(MediaType.APPLICATION_JSON)
public class InitialAccessTokensResource {

    private static final Logger LOG = Logger.getLogger(InitialAccessTokensResource.class);
    static final int DEFAULT_EXPIRES_IN = 86_400;

    private final InitialAccessTokens tokens;
    private final AuditLog audit;
    private final AdminCaller caller;
    private final Clock clock;

    InitialAccessTokensResource(InitialAccessTokens tokens, AuditLog audit, AdminCaller caller, Clock clock) {
        this.tokens = tokens;
        this.audit = audit;
        this.caller = caller;
        this.clock = clock;
    }

    @POST
    @APIResponse(responseCode = "201", description = "The token, shown only now",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = IssuedInitialAccessToken.class)))
    public Uni<Response> issue(String body) {
        Integer given = JsonBody.optional(body, OAuthException::invalidRequest).integer("expires_in", 60, 2_592_000);
        int expiresIn = given == null ? DEFAULT_EXPIRES_IN : given;
        String actor = caller.clientId();
        String token = Secrets.newSecret();
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        return tokens.add(Secrets.sha256(token), now, now.plusSeconds(expiresIn))
                .call(() -> audit.record("initial_access_token.created", null, null, actor, Map.of("expires_in", expiresIn))
                        .onFailure().recoverWithItem(e -> {
                            LOG.errorf("audit event initial_access_token.created not written: %s", e.getMessage());
                            return null;
                        }))
                .map(ignored -> NoStore.status(201).entity(new IssuedInitialAccessToken(token, expiresIn)).build());
    }
}
