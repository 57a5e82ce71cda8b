package io.keyfair.authorize.logout;

import java.text.ParseException;
import java.util.List;
import java.util.Optional;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import com.nimbusds.jwt.JWTParser;

import io.keyfair.authorize.authorize.AuthorizationFlow;
import io.keyfair.authorize.authorize.AuthorizationParameters;
import io.keyfair.authorize.page.ErrorPage;
import io.keyfair.authorize.page.Html;
import io.keyfair.authorize.page.Links;
import io.keyfair.authorize.session.Sessions;
import io.keyfair.common.client.ClientDirectory;
import io.keyfair.common.client.ClientRecord;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.smallrye.mutiny.Uni;

/**
 * `/logout` (OpenID Connect RP-Initiated Logout, the discovery's `end_session_endpoint`): ends
 * the session, then returns to the app when it named one of its registered redirect URIs as
 * `post_logout_redirect_uri`, or shows a signed-out page.
 */
@Path("/logout")
public class LogoutPage {

    private static final int MAX_HINT = 8192;

    /** What the signed-out template shows. */
    public record View(String login) {
    }

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance logout(View view);
    }

    private final Sessions sessions;
    private final ClientDirectory clients;
    private final Links links;
    private final ErrorPage errorPage;

    LogoutPage(Sessions sessions, ClientDirectory clients, Links links, ErrorPage errorPage) {
        this.sessions = sessions;
        this.clients = clients;
        this.links = links;
        this.errorPage = errorPage;
    }

    @GET
    public Uni<Response> get(@Context UriInfo uri, @Context HttpHeaders headers) {
        return logout(new AuthorizationParameters(List.of(uri.getQueryParameters())), headers, AuthorizationFlow.AFTER_GET);
    }

    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Uni<Response> post(MultivaluedMap<String, String> form, @Context UriInfo uri, @Context HttpHeaders headers) {
        return logout(new AuthorizationParameters(List.of(uri.getQueryParameters(), form)), headers, AuthorizationFlow.AFTER_POST);
    }

    private Uni<Response> logout(AuthorizationParameters p, HttpHeaders headers, int status) {
        return Uni.createFrom().deferred(() -> sessions.end(headers)
                .flatMap(v -> returnTo(p))
                .flatMap(target -> {
                    if (target.isPresent()) {
                        String state = p.get("state");
                        String location = state == null ? target.get()
                                : target.get() + (target.get().indexOf('?') < 0 ? "?" : "&") + "state=" + Links.encode(state);
                        return Uni.createFrom().item(Html.redirect(location, status, sessions.clearCookie()));
                    }
                    return Templates.logout(new View(links.path("/account/apps"))).createUni()
                            .map(html -> Html.page(200, html, sessions.clearCookie()));
                })).onFailure().recoverWithUni(errorPage::from);
    }

    /** The post-logout redirect, only when it is exactly one of the named client's redirect URIs. */
    private Uni<Optional<String>> returnTo(AuthorizationParameters p) {
        String target = p.get("post_logout_redirect_uri");
        String clientId = p.get("client_id");
        if (clientId == null) {
            clientId = audienceOf(p.get("id_token_hint"));
        }
        if (target == null || clientId == null || clientId.length() > 64 || p.anyRepeated() != null) {
            return Uni.createFrom().item(Optional.empty());
        }
        return clients.find(clientId).map(found -> found.filter(ClientRecord::isApproved)
                .filter(c -> c.redirectUris().contains(target))
                .map(c -> target));
    }

    /**
     * The client an ID token was issued to. The hint is not verified: it only names the client
     * whose registered URIs the redirect must match, which an attacker gains nothing by choosing.
     */
    private static String audienceOf(String idTokenHint) {
        if (idTokenHint == null || idTokenHint.length() > MAX_HINT) {
            return null;
        }
        try {
            List<String> aud = JWTParser.parse(idTokenHint).getJWTClaimsSet().getAudience();
            return aud == null || aud.isEmpty() ? null : aud.get(0);
        } catch (ParseException | RuntimeException e) {
            return null;
        }
    }
}
