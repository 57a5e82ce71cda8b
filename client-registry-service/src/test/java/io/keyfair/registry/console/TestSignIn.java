package io.keyfair.registry.console;

import java.util.Map;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.jwt.JsonWebToken;

import io.quarkus.security.identity.IdentityProviderManager;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.AuthenticationRequest;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.quarkus.vertx.http.runtime.security.ChallengeData;
import io.quarkus.vertx.http.runtime.security.HttpAuthenticationMechanism;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;

/**
 * Tests only: a request with header `X-Test-Sub: <user id>` is signed in as that user, as if
 * quarkus-oidc had checked an ID token with that `sub` (the sign-in itself is driven end to end
 * in e2e-tests). Without the header the real mechanisms decide.
 */
@ApplicationScoped
public class TestSignIn implements HttpAuthenticationMechanism {

    static final String HEADER = "X-Test-Sub";

    @Override
    public Uni<SecurityIdentity> authenticate(RoutingContext context, IdentityProviderManager identityProviderManager) {
        String sub = context.request().getHeader(HEADER);
        if (sub == null) {
            return Uni.createFrom().nullItem();
        }
        Map<String, Object> claims = Map.of("sub", sub);
        JsonWebToken token = new JsonWebToken() {
            @Override
            public String getName() {
                return sub;
            }

            @Override
            public Set<String> getClaimNames() {
                return claims.keySet();
            }

            @SuppressWarnings("unchecked")
            @Override
            public <T> T getClaim(String claimName) {
                return (T) claims.get(claimName);
            }
        };
        return Uni.createFrom().item(QuarkusSecurityIdentity.builder().setPrincipal(token).build());
    }

    @Override
    public Uni<ChallengeData> getChallenge(RoutingContext context) {
        return Uni.createFrom().nullItem();
    }

    @Override
    public Set<Class<? extends AuthenticationRequest>> getCredentialTypes() {
        return Set.of();
    }

    @Override
    public int getPriority() {
        return 5000;
    }
}
