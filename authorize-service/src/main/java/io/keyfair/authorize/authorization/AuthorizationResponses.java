package io.keyfair.authorize.authorization;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.Response;

import io.keyfair.authorize.page.Html;
import io.keyfair.common.config.OAuthConfig;
import io.keyfair.common.error.OAuthException;

/**
 * Authorization responses (RFC 6749 §4.1.2 and §4.1.2.1), always in the query of the redirect
 * URI, keeping any query the registered URI already has, and always with `iss` (RFC 9207).
 */
@ApplicationScoped
public class AuthorizationResponses {

    private final String issuer;

    AuthorizationResponses(OAuthConfig config) {
        this.issuer = config.issuer();
    }

    public Response success(String redirectUri, String code, String state, int status) {
        StringBuilder url = start(redirectUri);
        param(url, "code", code);
        param(url, "state", state);
        param(url, "iss", issuer);
        return Html.redirect(url.toString(), status);
    }

    public Response error(String redirectUri, OAuthException e, String state, int status) {
        StringBuilder url = start(redirectUri);
        param(url, "error", e.error().code());
        param(url, "error_description", e.description());
        param(url, "state", state);
        param(url, "iss", issuer);
        return Html.redirect(url.toString(), status);
    }

    private static StringBuilder start(String redirectUri) {
        StringBuilder url = new StringBuilder(redirectUri);
        if (redirectUri.indexOf('?') < 0) {
            url.append('?');
        }
        return url;
    }

    private static void param(StringBuilder url, String name, String value) {
        if (value == null) {
            return;
        }
        char last = url.charAt(url.length() - 1);
        if (last != '?' && last != '&') {
            url.append('&');
        }
        url.append(name).append('=').append(URLEncoder.encode(value, StandardCharsets.UTF_8));
    }
}
