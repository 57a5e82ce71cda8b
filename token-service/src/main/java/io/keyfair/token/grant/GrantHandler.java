package io.keyfair.token.grant;

import io.keyfair.common.clientauth.AuthenticatedClient;
import io.keyfair.common.clientauth.ClientRequest;
import io.smallrye.mutiny.Uni;

/**
 * One grant type of the token endpoint. Implementations are CDI beans; the endpoint dispatches on
 * {@link #grantType()} after the request was parsed and the client authenticated and allowed
 * this grant.
 */
public interface GrantHandler {

    /** The `grant_type` value this handler serves. */
    String grantType();

    /** Issues the tokens, or fails with an {@link io.keyfair.common.error.OAuthException}. */
    Uni<TokenResponse> handle(ClientRequest request, AuthenticatedClient client);
}
