package io.keyfair.token.grant;

import java.util.Optional;

import io.keyfair.common.clientauth.AuthenticatedClient;
import io.keyfair.common.clientauth.ClientRequest;
import io.keyfair.common.dpop.DpopProof;
import io.smallrye.mutiny.Uni;

/**
 * One grant type of the token endpoint. Implementations are CDI beans; the endpoint dispatches on
 * {@link #grantType()} after the request was parsed and the client authenticated and allowed
 * this grant, and checked the request's DPoP proof, if any (RFC 9449 §5).
 */
public interface GrantHandler {

    /** The `grant_type` value this handler serves. */
    String grantType();

    /**
     * Issues the tokens, or fails with an {@link io.keyfair.common.error.OAuthException}.
     *
     * @param dpop the request's verified DPoP proof: the access token is bound to its key
     */
    Uni<TokenResponse> handle(ClientRequest request, AuthenticatedClient client, Optional<DpopProof> dpop);
}
