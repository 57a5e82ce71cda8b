package io.keyfair.authorize.page;

import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

import io.keyfair.common.http.NoStore;

/** HTML responses: never cached (they carry CSRF tokens and personal data). */
public final class Html {

    public static final String TYPE = "text/html;charset=UTF-8";

    /** The redirect that answers a GET (the authorization endpoint, a link). */
    public static final int AFTER_GET = 302;
    /** The redirect that answers a form POST: 303, so the browser does not post again (RFC 9700 §4.12). */
    public static final int AFTER_POST = 303;

    private Html() {
    }

    /** A page with the given status; each non-null `Set-Cookie` value is sent. */
    public static Response page(int status, String html, String... setCookies) {
        Response.ResponseBuilder b = NoStore.status(status).type(TYPE).entity(html);
        return withCookies(b, setCookies).build();
    }

    /** A redirect ({@link #AFTER_GET} or {@link #AFTER_POST}); each non-null `Set-Cookie` value is sent. */
    public static Response redirect(String location, int status, String... setCookies) {
        Response.ResponseBuilder b = NoStore.status(status).header(HttpHeaders.LOCATION, location);
        return withCookies(b, setCookies).build();
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
