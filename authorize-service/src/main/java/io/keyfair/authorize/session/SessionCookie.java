package io.keyfair.authorize.session;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.HttpHeaders;

import io.keyfair.authorize.page.Cookies;
import io.keyfair.authorize.page.Links;

/**
 * The session cookie. Under an https issuer it is `__Host-kf_session`: the prefix makes browsers
 * accept it only when `Secure`, with `Path=/` and no `Domain`, so a sibling subdomain can neither
 * plant a session id (fixation) nor overwrite ours. A plain http issuer (the local stack) cannot
 * use the prefix and names it `kf_session`.
 */
@ApplicationScoped
public class SessionCookie {

    /** The cookie's name without the prefix. */
    public static final String NAME = "kf_session";

    private final String name;
    private final boolean secure;

    @Inject
    SessionCookie(Links links) {
        this(links.secure());
    }

    SessionCookie(boolean secure) {
        this.secure = secure;
        this.name = secure ? Cookies.HOST_PREFIX + NAME : NAME;
    }

    /** The name the browser holds the session under. */
    public String name() {
        return name;
    }

    /** The `Set-Cookie` value that hands a session id to the browser. */
    public String set(String sessionId) {
        return Cookies.set(name, sessionId, secure);
    }

    /** The `Set-Cookie` value that removes the session cookie. */
    public String clear() {
        return Cookies.clear(name, secure);
    }

    /** The session id the browser sent, or null. */
    public String read(HttpHeaders headers) {
        return Cookies.read(headers, name);
    }
}
