package io.keyfair.common.token;

import java.io.IOException;

import com.fasterxml.jackson.core.JsonGenerator;
import com.nimbusds.jose.JWSAlgorithm;

/**
 * A Security Event Token (RFC 8417, as OpenID Shared Signals Framework 1.0 profiles it): always
 * RS256, `typ: secevent+jwt`, exactly one event, the subject in `sub_id`, and neither `sub` nor
 * `exp`.
 *
 * @param issuedAt epoch seconds (when the change happened)
 * @param audience the receiving app's client id
 * @param subIdJson the `sub_id` object, as JSON
 * @param eventJson the one event's object, as JSON
 */
public record SecurityEventToken(String issuer, String jti, long issuedAt, String audience, String txn, String subIdJson,
        String eventType, String eventJson) implements TokenClaims {

    @Override
    public TokenType type() {
        return TokenType.SECURITY_EVENT;
    }

    @Override
    public JWSAlgorithm algorithm() {
        return JWSAlgorithm.RS256;
    }

    @Override
    public void writeClaims(JsonGenerator json) throws IOException {
        json.writeStringField("iss", issuer);
        json.writeStringField("jti", jti);
        json.writeNumberField("iat", issuedAt);
        json.writeStringField("aud", audience);
        json.writeStringField("txn", txn);
        json.writeFieldName("sub_id");
        json.writeRawValue(subIdJson);
        json.writeObjectFieldStart("events");
        json.writeFieldName(eventType);
        json.writeRawValue(eventJson);
        json.writeEndObject();
    }
}
