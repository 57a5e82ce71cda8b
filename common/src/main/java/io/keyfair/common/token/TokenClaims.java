package io.keyfair.common.token;

import java.io.IOException;

import com.fasterxml.jackson.core.JsonGenerator;
import com.nimbusds.jose.JWSAlgorithm;

/**
 * One kind of token as {@link TokenSigner} signs it: its header `typ`, the algorithm chosen for
 * it, and its claims, laid out by the token itself. Access tokens, ID tokens and security event
 * tokens ({@link SecurityEventToken}) implement it.
 */
public interface TokenClaims {

    /** The kind of token, which gives the header its `typ`. */
    TokenType type();

    /** The JWS algorithm; an active key of this algorithm signs the token. */
    JWSAlgorithm algorithm();

    /** Writes the members of the JWT claims set, in the order they appear in the token. */
    void writeClaims(JsonGenerator json) throws IOException;
}
