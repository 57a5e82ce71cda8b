package io.keyfair.token.mint;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import com.nimbusds.jose.JWSAlgorithm;

import io.keyfair.common.client.ClientRecord;
import io.keyfair.common.config.OAuthConfig;
import io.keyfair.common.secret.Secrets;
import io.keyfair.common.token.AccessToken;
import io.keyfair.common.token.TokenSigner;

/** Decides an access token's lifetime, id and algorithm for a client, and has it signed. */
@ApplicationScoped
public class AccessTokenMinter {

    private final OAuthConfig config;
    private final TokenSigner signer;

    AccessTokenMinter(OAuthConfig config, TokenSigner signer) {
        this.config = config;
        this.signer = signer;
    }

    public record Minted(AccessToken claims, String jwt) {
    }

    /**
     * @param grantId the grant the token descends from; null for a token that is its own grant
     */
    public Minted mint(ClientRecord client, String subject, List<String> scopes, String grantId) {
        long now = System.currentTimeMillis() / 1000;
        long ttl = client.accessTokenTtl() != null ? client.accessTokenTtl() : config.accessTokenTtl().toSeconds();
        String jti = Secrets.randomHex(16);
        AccessToken token = new AccessToken(config.issuer(), config.accessTokenAudience(), subject, client.clientId(),
                scopes, now, now + ttl, jti, grantId == null ? jti : grantId, algorithmOf(client));
        return new Minted(token, signer.sign(token));
    }

    /** Access and ID tokens use RS256 unless the client registered ES256. */
    public static JWSAlgorithm algorithmOf(ClientRecord client) {
        return "ES256".equals(client.signingAlgorithm()) ? JWSAlgorithm.ES256 : JWSAlgorithm.RS256;
    }
}
