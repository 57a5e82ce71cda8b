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
import io.smallrye.mutiny.Uni;

/**
 * RFC 6749 §4.4, client credentials: a confidential client gets an access token for itself.
 * No PostgreSQL round trip: the client came from the in-memory directory (DESIGN.md, hot paths).
 */
@ApplicationScoped
public class ClientCredentialsGrant implements GrantHandler {

    private final TokenMinter minter;

    ClientCredentialsGrant(TokenMinter minter) {
        this.minter = minter;
    }

    @Override
    public String grantType() {
        return "client_credentials";
    }

    @Override
    public Uni<TokenResponse> handle(ClientRequest request, AuthenticatedClient authenticated, Optional<DpopProof> dpop) {
        // §4.4: "The client credentials grant type MUST only be used by confidential clients."
        if (!authenticated.confidential()) {
            throw OAuthException.unauthorizedClient("Public clients cannot use client_credentials");
        }
        Set<String> registered = authenticated.client().scopes();
        // §3.3: without a scope parameter the client's registered scopes are granted
        List<String> scopes = new ArrayList<>(request.scopes().orElse(registered));
        // §3.3: only scopes the client is registered for (this is what keeps `admin` for admins)
        if (!registered.containsAll(scopes)) {
            throw OAuthException.invalidScope("The client may not ask for some of these scopes");
        }
        TokenMinter.MintedAccessToken token = minter.accessToken(authenticated.client(), authenticated.clientId(), scopes, null,
                dpop.map(DpopProof::jkt).orElse(null));
        // §4.4.3: "A refresh token SHOULD NOT be included."
        return Uni.createFrom().item(TokenResponse.of(token));
    }
}
