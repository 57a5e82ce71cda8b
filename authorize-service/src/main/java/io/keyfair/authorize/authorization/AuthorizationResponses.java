package io.keyfair.authorize.authorization;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.Response;

import io.keyfair.authorize.authorization.AuthorizationOutcome.Code;
import io.keyfair.authorize.authorization.AuthorizationOutcome.Failure;
import io.keyfair.authorize.authorization.AuthorizationOutcome.Framed;
import io.keyfair.authorize.authorization.AuthorizationOutcome.ShowConsent;
import io.keyfair.authorize.authorization.AuthorizationOutcome.ShowLogin;
import io.keyfair.authorize.page.Html;
import io.keyfair.authorize.page.Links;
import io.keyfair.common.config.OAuthConfig;
import io.keyfair.common.error.OAuthException;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.smallrye.mutiny.Uni;

/**
 * What the browser gets for each {@link AuthorizationOutcome}. Authorization responses (RFC 6749
 * §4.1.2 and §4.1.2.1) go in the query of the redirect URI, keeping any query the registered URI
 * already has, and always with `iss` (RFC 9207).
 */
@ApplicationScoped
public class AuthorizationResponses {

    /** What the continuation page of a framed authorization shows. */
    public record Continuation(String url) {
    }

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance framed(Continuation view);
    }

    private final Links links;
    private final String issuer;
    @Inject
    AuthorizationMetrics metrics;

    AuthorizationResponses(Links links, OAuthConfig config) {
        this.links = links;
        this.issuer = config.issuer();
    }

    /**
     * The response for an outcome.
     *
     * @param redirectStatus {@link Html#AFTER_GET} or {@link Html#AFTER_POST}, as the endpoint was reached
     * @param setCookies each non-null one is sent
     */
    public Uni<Response> of(AuthorizationOutcome outcome, int redirectStatus, String... setCookies) {
        if (outcome instanceof Framed framed) {
            String url = links.path("/oauth/authorize?" + AuthorizeEndpoint.CONTINUE + "=" + framed.continuationId());
            return Templates.framed(new Continuation(url)).createUni().map(html -> Html.page(200, html, setCookies));
        }
        return Uni.createFrom().item(Html.redirect(location(outcome), redirectStatus, setCookies));
    }

    private String location(AuthorizationOutcome outcome) {
        if (outcome instanceof ShowLogin login) {
            return links.login(login.requestId());
        }
        if (outcome instanceof ShowConsent consent) {
            return links.consent(consent.requestId());
        }
        if (outcome instanceof Code code) {
            return success(code.redirectUri(), code.code(), code.state());
        }
        if (outcome instanceof Failure failure) {
            metrics.redirectedError(failure.error().error());
            return error(failure.redirectUri(), failure.error(), failure.state());
        }
        throw new IllegalArgumentException("no redirect for " + outcome.getClass().getSimpleName());
    }

    private String success(String redirectUri, String code, String state) {
        StringBuilder url = start(redirectUri);
        param(url, "code", code);
        param(url, "state", state);
        param(url, "iss", issuer);
        return url.toString();
    }

    private String error(String redirectUri, OAuthException e, String state) {
        StringBuilder url = start(redirectUri);
        param(url, "error", e.error().code());
        param(url, "error_description", e.description());
        param(url, "state", state);
        param(url, "iss", issuer);
        return url.toString();
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
