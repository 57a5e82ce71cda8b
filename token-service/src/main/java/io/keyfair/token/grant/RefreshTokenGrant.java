package io.keyfair.token.grant;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import io.keyfair.common.dpop.DpopProof;
import io.keyfair.common.error.OAuthException;
import io.keyfair.common.clientauth.AuthenticatedClient;
import io.keyfair.common.clientauth.ClientRequest;
import io.keyfair.token.mint.TokenMinter;
import io.keyfair.token.refresh.RefreshTokens;
import io.smallrye.mutiny.Uni;

/**
 * RFC 6749 §6 with rotation (RFC 9700 §4.14.2): every use returns a new refresh token and retires
 * the presented one; see {@link RefreshTokens} for the grace window and reuse detection. With
 * DPoP (RFC 9449 §5) a public client's bound refresh token needs a proof of its key, and a proof
 * binds the new access token to its key, whoever the client.
 */
@ApplicationScoped
public class RefreshTokenGrant implements GrantHandler {

    private final RefreshTokens refreshTokens;
    private final TokenMinter minter;

    RefreshTokenGrant(RefreshTokens refreshTokens, TokenMinter minter) {
        this.refreshTokens = refreshTokens;
        this.minter = minter;
    }

    @Override
    public String grantType() {
        return "refresh_token";
    }

    @Override
    public Uni<TokenResponse> handle(ClientRequest request, AuthenticatedClient client, Optional<DpopProof> dpop) {
        String presented = request.required("refresh_token");
        if (presented.length() > 256) {
            throw OAuthException.invalidGrant("The refresh token is invalid");
        }
        // §6: the scope may be narrowed, never widened beyond what the grant holds
        Set<String> requested = request.scopes().orElse(null);
        String jkt = dpop.map(DpopProof::jkt).orElse(null);
        return refreshTokens.rotate(presented, client.client(), requested, jkt).map(issued -> {
            List<String> scopes = new ArrayList<>(issued.family().scopes());
            if (requested != null) {
                scopes.retainAll(requested);
            }
            TokenMinter.MintedAccessToken access = minter.accessToken(client.client(), issued.family().userId(), scopes,
                    issued.family().grantId(), jkt);
            return TokenResponse.of(access).withRefreshToken(issued.refreshToken());
        });
    }
}
