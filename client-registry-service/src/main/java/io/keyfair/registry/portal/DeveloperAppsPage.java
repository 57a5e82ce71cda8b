package io.keyfair.registry.portal;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Cookie;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.eclipse.microprofile.jwt.JsonWebToken;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.keyfair.common.client.ClientStatus;
import io.keyfair.common.config.OAuthConfig;
import io.keyfair.common.connection.Connections;
import io.keyfair.common.error.OAuthException;
import io.keyfair.common.scope.Scope;
import io.keyfair.common.scope.ScopeCatalog;
import io.keyfair.registry.client.ClientMetadataValidator;
import io.keyfair.registry.client.ClientRegistrar;
import io.keyfair.registry.client.RegisteredClient;
import io.keyfair.registry.web.Csrf;
import io.keyfair.registry.web.Html;
import io.quarkus.oidc.OidcSession;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.quarkus.security.Authenticated;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;

/**
 * The developer portal for the signed-in user (signed in through Keyfair itself by quarkus-oidc,
 * tenant `portal`): "My apps", a new dedicated app, and sign-out. Every form is CSRF-protected;
 * the headers come from {@link io.keyfair.registry.web.PageHeaders}.
 */
@Path("/developers")
@Authenticated
public class DeveloperAppsPage {

    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("d MMM yyyy", Locale.ENGLISH);
    /** The new secret, on its way to the one page that shows it (path-scoped, 5 minutes). */
    private static final String NEW_SECRET_COOKIE = "kf_portal_new_secret";

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance apps(AppsView view);

        static native TemplateInstance newApp(NewAppView view);

        static native TemplateInstance created(CreatedView view);

        static native TemplateInstance problem(ProblemView view);
    }

    /** Page views: what each template shows. */
    public record AppsView(String username, String csrf, List<AppRow> apps, int maxApps) {
    }

    public record AppRow(String clientId, String name, String appType, String status, String statusNote,
            List<String> redirectUris, String created, List<StateCount> connections, long totalConnections) {
    }

    public record StateCount(String state, long count) {
    }

    public record ScopeOption(String name, String description, boolean checked) {
    }

    public record NewAppView(String username, String csrf, String name, String redirectUris, List<ScopeOption> scopes,
            String nameError, String redirectUrisError, String scopeError, String formError) {
    }

    public record CreatedView(String username, String csrf, AppRow app, String secret) {
    }

    public record ProblemView(String title, String message) {
    }

    private final SecurityIdentity identity;
    private final OidcSession session;
    private final OwnedApps owned;
    private final ScopeCatalog catalog;
    private final ClientMetadataValidator validator;
    private final ClientRegistrar registrar;
    private final Csrf csrf;
    private final PortalConfig config;
    private final OAuthConfig oauth;
    private final ObjectMapper mapper;

    DeveloperAppsPage(SecurityIdentity identity, OidcSession session, OwnedApps owned, ScopeCatalog catalog,
            ClientMetadataValidator validator, ClientRegistrar registrar, Csrf csrf, PortalConfig config, OAuthConfig oauth,
            ObjectMapper mapper) {
        this.identity = identity;
        this.session = session;
        this.owned = owned;
        this.catalog = catalog;
        this.validator = validator;
        this.registrar = registrar;
        this.csrf = csrf;
        this.config = config;
        this.oauth = oauth;
        this.mapper = mapper;
    }

    @GET
    public Response home() {
        return Html.redirect("/developers/apps", 302);
    }

    @GET
    @Path("apps")
    public Uni<Response> apps(@Context HttpHeaders headers) {
        UUID user = userId();
        if (user == null) {
            return Uni.createFrom().item(notAUser());
        }
        Csrf.Token token = csrf.token(headers);
        return Uni.combine().all().unis(owned.of(user), username(user)).asTuple().map(t -> {
            List<AppRow> rows = t.getItem1().stream().map(DeveloperAppsPage::row).toList();
            return Html.page(200, Templates.apps(new AppsView(t.getItem2(), token.value(), rows, config.maxAppsPerUser())).render(),
                    token.setCookie());
        });
    }

    @GET
    @Path("apps/new")
    public Uni<Response> newApp(@Context HttpHeaders headers) {
        UUID user = userId();
        if (user == null) {
            return Uni.createFrom().item(notAUser());
        }
        Csrf.Token token = csrf.token(headers);
        return Uni.combine().all().unis(offeredScopes(), username(user)).asTuple().map(t -> {
            List<ScopeOption> options = t.getItem1().stream()
                    .map(s -> new ScopeOption(s.name(), s.description(), "openid".equals(s.name()))).toList();
            return Html.page(200, Templates.newApp(new NewAppView(t.getItem2(), token.value(), "", "", options, null, null, null, null))
                    .render(), token.setCookie());
        });
    }

    @POST
    @Path("apps/new")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Uni<Response> create(MultivaluedMap<String, String> body, @Context HttpHeaders headers, @Context UriInfo uri) {
        if (!csrf.accepts(headers, uri, body.getFirst(Csrf.FIELD))) {
            return Uni.createFrom().item(forbidden());
        }
        UUID user = userId();
        if (user == null) {
            return Uni.createFrom().item(notAUser());
        }
        DedicatedAppForm form = DedicatedAppForm.from(body);
        String token = body.getFirst(Csrf.FIELD);
        return Uni.combine().all().unis(offeredScopes(), username(user)).asTuple()
                .flatMap(t -> createFor(user, form, t.getItem1(), new Shown(token, t.getItem2())));
    }

    /** What a re-shown form needs besides the form: the CSRF token it came with, the user's name. */
    private record Shown(String csrf, String username) {
    }

    /** Steps: the plain-word checks, the per-user limit, then the registry's own validation and registration. */
    private Uni<Response> createFor(UUID user, DedicatedAppForm form, List<Scope> scopes, Shown shown) {
        Set<String> offered = new HashSet<>();
        scopes.forEach(s -> offered.add(s.name()));
        Map<String, String> errors = form.check(offered);
        if (!errors.isEmpty()) {
            return Uni.createFrom().item(formAgain(form, scopes, errors, shown));
        }
        return owned.count(user).flatMap(count -> count >= config.maxAppsPerUser()
                ? Uni.createFrom().item(formAgain(form, scopes, Map.of(DedicatedAppForm.FORM,
                        "You already own " + count + " apps, the most one account may have. Delete one first."), shown))
                : register(user, form, scopes, shown));
    }

    /** A dedicated app is approved at once (CONTRACT.md); the audit names the user as its creator. */
    private Uni<Response> register(UUID user, DedicatedAppForm form, List<Scope> scopes, Shown shown) {
        // deferred: the reader throws before any Uni exists, and its errors belong on the form
        return Uni.createFrom().deferred(() -> validator.validate(form.metadata(mapper, user)))
                .flatMap(metadata -> registrar.register(metadata, ClientStatus.APPROVED, "client.created", "user:" + user))
                .map(this::created)
                .onFailure(OAuthException.class).recoverWithItem(e -> {
                    OAuthException o = (OAuthException) e;
                    return formAgain(form, scopes, Map.of(DedicatedAppForm.fieldOf(o), DedicatedAppForm.sentence(o)), shown);
                });
    }

    /** The page that shows a new app's secret, once: the cookie that carried it is cleared here. */
    @GET
    @Path("apps/{clientId}/created")
    public Uni<Response> shown(@PathParam("clientId") String clientId, @Context HttpHeaders headers) {
        UUID user = userId();
        if (user == null) {
            return Uni.createFrom().item(notAUser());
        }
        Cookie carried = headers.getCookies().get(NEW_SECRET_COOKIE);
        String secret = carried == null || carried.getValue() == null || !carried.getValue().matches("[0-9a-f]{64}") ? null
                : carried.getValue();
        Csrf.Token token = csrf.token(headers);
        return Uni.combine().all().unis(owned.one(user, clientId), username(user)).asTuple().map(t -> {
            Optional<OwnedApps.OwnedApp> app = t.getItem1();
            if (app.isEmpty()) {
                return Html.page(404, Templates.problem(new ProblemView("No such app", "You own no app with this id.")).render());
            }
            String clear = NEW_SECRET_COOKIE + "=; Path=" + createdPath(clientId)
                    + "; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; SameSite=Strict" + secure();
            return Html.page(200, Templates.created(new CreatedView(t.getItem2(), token.value(), row(app.get()), secret)).render(),
                    clear, token.setCookie());
        });
    }

    /**
     * Signs out of the portal and of Keyfair: the portal's session cookie goes now, then Keyfair's
     * RP-initiated logout with this session's ID token ends Keyfair's session at once and sends
     * the browser back to the signed-out page.
     */
    @POST
    @Path("logout")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Uni<Response> logout(MultivaluedMap<String, String> body, @Context HttpHeaders headers, @Context UriInfo uri) {
        if (!csrf.accepts(headers, uri, body.getFirst(Csrf.FIELD))) {
            return Uni.createFrom().item(forbidden());
        }
        String issuer = PortalClientBootstrap.trimmed(oauth.issuer());
        String idToken = identity.getPrincipal() instanceof JsonWebToken jwt ? jwt.getRawToken() : null;
        StringBuilder location = new StringBuilder(issuer).append("/logout?post_logout_redirect_uri=")
                .append(encode(issuer + "/developers/signed-out"));
        config.clientId().ifPresent(id -> location.append("&client_id=").append(encode(id)));
        if (idToken != null) {
            location.append("&id_token_hint=").append(encode(idToken));
        }
        return session.logout().replaceWith(Html.redirect(location.toString(), Html.AFTER_POST));
    }

    private Response created(RegisteredClient registered) {
        String id = registered.client().clientId();
        String carry = NEW_SECRET_COOKIE + "=" + registered.clientSecret() + "; Path=" + createdPath(id)
                + "; Max-Age=300; HttpOnly; SameSite=Strict" + secure();
        return Html.redirect(createdPath(id), Html.AFTER_POST, carry);
    }

    private Response formAgain(DedicatedAppForm form, List<Scope> scopes, Map<String, String> errors, Shown shown) {
        List<ScopeOption> options = scopes.stream()
                .map(s -> new ScopeOption(s.name(), s.description(), form.scopes().contains(s.name()))).toList();
        NewAppView view = new NewAppView(shown.username(), shown.csrf(), form.name(), form.redirectUris(), options,
                errors.get(DedicatedAppForm.NAME), errors.get(DedicatedAppForm.REDIRECT_URIS), errors.get(DedicatedAppForm.SCOPE),
                errors.get(DedicatedAppForm.FORM));
        return Html.page(400, Templates.newApp(view).render());
    }

    /** The catalog without restricted scopes (`admin`, `ssf.*`): those are never for a user's app. */
    private Uni<List<Scope>> offeredScopes() {
        return catalog.all().map(all -> {
            List<Scope> out = new ArrayList<>();
            all.values().forEach(s -> {
                if (!s.restricted()) {
                    out.add(s);
                }
            });
            return out;
        });
    }

    private static AppRow row(OwnedApps.OwnedApp app) {
        List<StateCount> counts = new ArrayList<>();
        long total = 0;
        for (String state : Connections.STATES) {
            long n = app.connections().getOrDefault(state, 0L);
            counts.add(new StateCount(state, n));
            total += n;
        }
        return new AppRow(app.clientId(), app.name(), app.appType(), app.status(), app.statusNote(), app.redirectUris(),
                app.createdAt() == null ? "" : DAY.format(app.createdAt()), counts, total);
    }

    /** The signed-in user's id: the ID token's `sub`, which Keyfair sets to the user's UUID. */
    private UUID userId() {
        if (identity.getPrincipal() instanceof JsonWebToken jwt && Connections.isUserId(jwt.getSubject())) {
            return UUID.fromString(jwt.getSubject());
        }
        return null;
    }

    /** The user's username, else the `preferred_username` of the ID token, else the user id. */
    private Uni<String> username(UUID user) {
        return owned.username(user).map(name -> {
            if (name != null) {
                return name;
            }
            Object claimed = identity.getPrincipal() instanceof JsonWebToken jwt ? jwt.getClaim("preferred_username") : null;
            return claimed == null ? user.toString() : claimed.toString();
        });
    }

    private static String createdPath(String clientId) {
        return "/developers/apps/" + clientId + "/created";
    }

    private String secure() {
        return oauth.issuer().startsWith("https:") ? "; Secure" : "";
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    static Response forbidden() {
        return Html.page(403, Templates.problem(new ProblemView("Request refused",
                "This form was not sent from a page of this site, or it was open for too long. Go back, reload the page and try again."))
                .render());
    }

    private static Response notAUser() {
        return Html.page(403, Templates.problem(new ProblemView("Not a user account",
                "The developer portal is for signed-in users.")).render());
    }
}
