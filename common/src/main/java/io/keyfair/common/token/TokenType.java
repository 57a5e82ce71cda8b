package io.keyfair.common.token;

/** The JWS `typ` header of each kind of token Keyfair signs. */
public enum TokenType {

    /** RFC 9068 §2.1: `at+jwt`, so an access token cannot be taken for another kind of JWT. */
    ACCESS_TOKEN("at+jwt"),

    /** OpenID Connect Core §2 defines no type for ID tokens: the plain `JWT` of RFC 7519 §5.1. */
    ID_TOKEN("JWT"),

    /** RFC 8417 §2.3: a Security Event Token, which no JWT validator may take for another kind. */
    SECURITY_EVENT("secevent+jwt");

    private final String typ;

    TokenType(String typ) {
        this.typ = typ;
    }

    /** The header's `typ` value. */
    public String typ() {
        return typ;
    }
}
