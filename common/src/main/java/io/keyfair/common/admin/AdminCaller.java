package io.keyfair.common.admin;

import jakarta.enterprise.context.RequestScoped;

import io.keyfair.common.token.VerifiedAccessToken;

/** Who is calling the admin API in this request: set by {@link AdminAuthorization}. */
@RequestScoped
public class AdminCaller {

    private VerifiedAccessToken token;

    void set(VerifiedAccessToken token) {
        this.token = token;
    }

    /** The admin client's id, recorded as the actor of audit events. */
    public String clientId() {
        return token == null ? null : token.clientId();
    }
}
