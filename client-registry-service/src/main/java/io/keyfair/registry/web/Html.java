package io.keyfair.registry.web;

import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

import io.keyfair.common.http.NoStore;

/** HTML responses of the portal and the console: never cached (CSRF tokens, secrets, personal data). */
public final class Html {

    public static final String TYPE = "text/html;charset=UTF-8";

    /** The redirect that answers a form POST: 303, so the browser does not post again. */
    public static final int AFTER_POST = 303;

    private Html() {
    }

    /** A page with the given status; each non-null `Set-Cookie` value is sent. */
    public static Response page(int status, String html, String... setCookies) {
        return withCookies(NoStore.status(status).type(TYPE).entity(html), setCookies).build();
    }

    /** A redirect; each non-null `Set-Cookie` value is sent. */
    public static Response redirect(String location, int status, String... setCookies) {
        return withCookies(NoStore.status(status).header(HttpHeaders.LOCATION, location), setCookies).build();
    }

    private static Response.ResponseBuilder withCookies(Response.ResponseBuilder b, String... setCookies) {
        for (String c : setCookies) {
            if (c != null) {
                b.header("Set-Cookie", c);
            }
        }
        return b;
    }
}
