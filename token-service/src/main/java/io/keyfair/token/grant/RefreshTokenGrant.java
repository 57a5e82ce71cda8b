package io.keyfair.token.grant;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import io.keyfair.common.error.OAuthException;
import io.keyfair.common.clientauth.AuthenticatedClient;
import io.keyfair.common.clientauth.ClientRequest;
import io.keyfair.token.mint.TokenMinter;
import io.keyfair.token.refresh.RefreshTokens;
import io.smallrye.mutiny.Uni;

/**
 * RFC 6749 §6 with rotation (RFC 9700 §4.14.2): every use returns a new refresh token and retires
 * the presented one; see {@link RefreshTokens} for the grace window and reuse detection.
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
    public Uni<TokenResponse> handle(ClientRequest request, AuthenticatedClient client) {
        String presented = request.required("refresh_token");
        if (presented.length() > 256) {
            throw OAuthException.invalidGrant("The refresh token is invalid");
        }
        // §6: the scope may be narrowed, never widened beyond what the grant holds
        Set<String> requested = request.scopes().orElse(null);
        return refreshTokens.rotate(presented, client.client(), requested).map(issued -> {
            List<String> scopes = new ArrayList<>(issued.family().scopes());
            if (requested != null) {
                scopes.retainAll(requested);
            }
            TokenMinter.MintedAccessToken access = minter.accessToken(client.client(), issued.family().userId(), scopes,
                    issued.family().grantId());
            return TokenResponse.of(access).withRefreshToken(issued.refreshToken());
        });
    }
}
