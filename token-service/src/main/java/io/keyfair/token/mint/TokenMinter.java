package io.keyfair.token.mint;

import java.time.Clock;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import io.keyfair.common.client.ClientRecord;
import io.keyfair.common.config.OAuthConfig;
import io.keyfair.common.secret.Secrets;
import io.keyfair.common.token.AccessToken;
import io.keyfair.common.token.IdToken;
import io.keyfair.common.token.TokenSigner;
import io.keyfair.common.user.UserClaims;

/**
 * Decides what the grants' tokens say that the grant itself does not: issuer, audience, lifetime,
 * id and algorithm (the client's {@link ClientRecord#signingAlgorithm()}), and has them signed.
 * Those decisions are token-service policy, so they live here; the claim layout and the signing
 * are common's ({@link AccessToken}, {@link IdToken}, {@link TokenSigner}).
 */
@ApplicationScoped
public class TokenMinter {

    private final OAuthConfig config;
    private final TokenSigner signer;
    private final Clock clock;

    TokenMinter(OAuthConfig config, TokenSigner signer, Clock clock) {
        this.config = config;
        this.signer = signer;
        this.clock = clock;
    }

    /** An access token as issued: what it says, and its compact JWS. */
    public record MintedAccessToken(AccessToken claims, String jwt) {

        public long lifetimeSeconds() {
            return claims.lifetimeSeconds();
        }

        public String scope() {
            return claims.scope();
        }
    }

    /**
     * An RFC 9068 access token for the client.
     *
     * @param subject the user id, or the client id for a token the client holds for itself
     * @param grantId the grant the token descends from; null for a token that is its own grant
     * @param jkt the thumbprint of the DPoP key to bind the token to (`cnf.jkt`), or null for a
     *        bearer token
     */
    public MintedAccessToken accessToken(ClientRecord client, String subject, List<String> scopes, String grantId, String jkt) {
        long now = clock.instant().getEpochSecond();
        long ttl = client.accessTokenTtl() != null ? client.accessTokenTtl() : config.accessTokenTtl().toSeconds();
        String jti = Secrets.randomHex(16);
        AccessToken token = new AccessToken(config.issuer(), config.accessTokenAudience(), subject, client.clientId(),
                scopes, now, now + ttl, jti, grantId == null ? jti : grantId, client.signingAlgorithm(), jkt);
        return new MintedAccessToken(token, signer.sign(token));
    }

    /**
     * An OpenID Connect Core §2 ID token issued with an access token, living as long as it. It
     * carries the claims the granted scopes release, exactly as userinfo returns them, unless the
     * client registered `id_token_scope_claims: false`.
     *
     * @param authTime when the user authenticated, epoch seconds
     * @param nonce the authorization request's nonce, or null
     */
    public String idToken(ClientRecord client, String userId, long authTime, String nonce, MintedAccessToken access,
            UserClaims user, Collection<String> scopes) {
        long now = clock.instant().getEpochSecond();
        Map<String, Object> claims = client.idTokenScopeClaims() ? user.releasedTo(userId, Set.copyOf(scopes)) : Map.of();
        return signer.sign(new IdToken(config.issuer(), userId, client.clientId(), now, now + access.lifetimeSeconds(),
                authTime, nonce, IdToken.accessTokenHash(access.jwt()), claims, client.signingAlgorithm()));
    }
}
