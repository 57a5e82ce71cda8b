package io.keyfair.registry.ssf;

import jakarta.enterprise.context.RequestScoped;

/** The app calling `/ssf/**` in this request: set by {@link StreamAuthorization}. */
@RequestScoped
public class StreamCaller {

    private String clientId;

    void set(String clientId) {
        this.clientId = clientId;
    }

    /** The app's client id: the `aud` of its stream. */
    public String clientId() {
        return clientId;
    }
}
