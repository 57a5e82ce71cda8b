package io.keyfair.common.token;

import java.io.IOException;
import java.util.List;

import com.fasterxml.jackson.core.JsonGenerator;
import com.nimbusds.jose.JWSAlgorithm;

/**
 * Everything an RFC 9068 access token says, decided by a grant before it is signed.
 *
 * @param subject the user id, or the client id for client_credentials
 * @param grantId the authorization grant this token descends from (a code, a refresh family,
 *        or the token's own jti), so that everything a grant issued can be revoked at once
 * @param jkt the RFC 7638 thumbprint of the DPoP key the token is bound to (RFC 9449 §6.1:
 *        `cnf.jkt`), or null for a bearer token
 */
public record AccessToken(
        String issuer,
        String audience,
        String subject,
        String clientId,
        List<String> scopes,
        long issuedAt,
        long expiresAt,
        String jti,
        String grantId,
        JWSAlgorithm algorithm,
        String jkt) implements TokenClaims {

    /** A bearer token, bound to no key. */
    public AccessToken(String issuer, String audience, String subject, String clientId, List<String> scopes, long issuedAt,
            long expiresAt, String jti, String grantId, JWSAlgorithm algorithm) {
        this(issuer, audience, subject, clientId, scopes, issuedAt, expiresAt, jti, grantId, algorithm, null);
    }

    @Override
    public TokenType type() {
        return TokenType.ACCESS_TOKEN;
    }

    /** RFC 9068 §2.2 (and RFC 9449 §6.1 `cnf` for a bound token), with the grant id as the private claim {@value TokenSigner#GRANT_ID_CLAIM}. */
    @Override
    public void writeClaims(JsonGenerator json) throws IOException {
        json.writeStringField("iss", issuer);
        json.writeStringField("sub", subject);
        json.writeStringField("aud", audience);
        json.writeStringField("client_id", clientId);
        json.writeStringField("scope", scope());
        json.writeNumberField("iat", issuedAt);
        json.writeNumberField("exp", expiresAt);
        json.writeStringField("jti", jti);
        json.writeStringField(TokenSigner.GRANT_ID_CLAIM, grantId);
        if (jkt != null) {
            json.writeObjectFieldStart("cnf");
            json.writeStringField("jkt", jkt);
            json.writeEndObject();
        }
    }

    /** RFC 9449 §5: `DPoP` for a token bound to a key, else `Bearer`. */
    public String tokenType() {
        return jkt == null ? "Bearer" : "DPoP";
    }

    public String scope() {
        return String.join(" ", scopes);
    }

    public long lifetimeSeconds() {
        return expiresAt - issuedAt;
    }
}
