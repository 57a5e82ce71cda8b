package io.keyfair.registry.portal;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
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
import io.keyfair.registry.client.ClientView;
import io.keyfair.registry.client.RegisteredClient;
import io.keyfair.registry.secret.SecretRotation;
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
 * tenant `portal`): "My apps", a new dedicated app, an app's own page (rotate its secret, edit it,
 * delete it, ask for reinstatement; only its owner sees it) and sign-out. Every form is CSRF-protected;
 * the headers come from {@link io.keyfair.registry.web.PageHeaders}.
 */
@Path("/developers")
@Authenticated
public class DeveloperAppsPage {

    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("d MMM yyyy", Locale.ENGLISH);
    /** The new secret, on its way to the one page that shows it (path-scoped, 5 minutes). */
    private static final String NEW_SECRET_COOKIE = "kf_portal_new_secret";
    /** A new token for the owner's own account, on its way to the one page that shows it (path-scoped, 5 minutes). */
    private static final String OWN_TOKEN_COOKIE = "kf_portal_own_token";

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance apps(AppsView view);

        static native TemplateInstance newApp(NewAppView view);

        static native TemplateInstance created(CreatedView view);

        static native TemplateInstance problem(ProblemView view);

        static native TemplateInstance app(AppView view);

        static native TemplateInstance apply(ApplyView view);

        static native TemplateInstance ownToken(OwnTokenView view);
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

    /** The application form: the new-app form's fields plus the third-party ones. */
    public record ApplyView(NewAppView form, List<Field> fields) {
    }

    /** One field of the app page's edit form. */
    public record Field(String name, String label, String value, String error) {
    }

    public record AppView(String username, String csrf, AppRow app, String scope, List<Field> fields,
            OwnerActions.Suspension suspension, String suspendedOn, String requestFrom, String notice, String formError,
            String ttlError, String messageError, boolean ownToken) {
    }

    /**
     * The page that shows a token for the owner's own account once.
     *
     * @param token null once it was shown
     */
    public record OwnTokenView(String username, String csrf, String clientId, String name, String token, String tokenEndpoint) {
    }

    private final SecurityIdentity identity;
    private final OidcSession session;
    private final OwnedApps owned;
    private final OwnerActions actions;
    private final OwnTokens ownTokens;
    private final Applications applications;
    private final ScopeCatalog catalog;
    private final ClientMetadataValidator validator;
    private final ClientRegistrar registrar;
    private final Csrf csrf;
    private final PortalConfig config;
    private final OAuthConfig oauth;
    private final ObjectMapper mapper;

    DeveloperAppsPage(SecurityIdentity identity, OidcSession session, OwnedApps owned, OwnerActions actions, OwnTokens ownTokens,
            Applications applications,
            ScopeCatalog catalog,
            ClientMetadataValidator validator, ClientRegistrar registrar, Csrf csrf, PortalConfig config, OAuthConfig oauth,
            ObjectMapper mapper) {
        this.identity = identity;
        this.session = session;
        this.owned = owned;
        this.actions = actions;
        this.ownTokens = ownTokens;
        this.applications = applications;
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
        return asUser(user -> {
            Csrf.Token token = csrf.token(headers);
            return Uni.combine().all().unis(owned.of(user), username(user)).asTuple().map(t -> {
                List<AppRow> rows = t.getItem1().stream().map(DeveloperAppsPage::row).toList();
                return Html.page(200, Templates.apps(new AppsView(t.getItem2(), token.value(), rows, config.maxAppsPerUser())).render(),
                        token.setCookie());
            });
        });    }

    @GET
    @Path("apps/new")
    public Uni<Response> newApp(@Context HttpHeaders headers) {
        return asUser(user -> {
            Csrf.Token token = csrf.token(headers);
            return Uni.combine().all().unis(offeredScopes(), username(user)).asTuple().map(t -> {
                List<ScopeOption> options = t.getItem1().stream()
                        .map(s -> new ScopeOption(s.name(), s.description(), "openid".equals(s.name()))).toList();
                return Html.page(200, Templates.newApp(new NewAppView(t.getItem2(), token.value(), "", "", options, null, null, null, null))
                        .render(), token.setCookie());
            });
        });    }

    @POST
    @Path("apps/new")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Uni<Response> create(MultivaluedMap<String, String> body, @Context HttpHeaders headers, @Context UriInfo uri) {
        return asUserPosting(body, headers, uri, user -> {
            DedicatedAppForm form = DedicatedAppForm.from(body);
            String token = body.getFirst(Csrf.FIELD);
            return Uni.combine().all().unis(offeredScopes(), username(user)).asTuple()
                    .flatMap(t -> createFor(user, form, t.getItem1(), new Shown(token, t.getItem2())));
        });    }

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
        return asUser(user -> {
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
        });    }

    /** The application form for a third-party app (who may apply is configured; others read why not). */
    @GET
    @Path("apps/apply")
    public Uni<Response> applyForm(@Context HttpHeaders headers) {
        return asUser(user -> {
            Csrf.Token token = csrf.token(headers);
            return Uni.combine().all().unis(offeredScopes(), username(user), applications.mayApply(user)).asTuple().map(t -> {
                ApplyForm empty = ApplyForm.from(new jakarta.ws.rs.core.MultivaluedHashMap<>());
                List<ScopeOption> options = t.getItem1().stream()
                        .map(s -> new ScopeOption(s.name(), s.description(), "openid".equals(s.name()))).toList();
                Map<String, String> errors = t.getItem3() ? Map.of()
                        : Map.of(DedicatedAppForm.FORM, "Only verified sellers may apply for a third-party app.");
                return Html.page(200, Templates.apply(applyView(empty, options, errors, new Shown(token.value(), t.getItem2()))).render(),
                        token.setCookie());
            });
        });    }

    /** An application: `pending` third-party app owned by the applicant; its secret is shown once. */
    @POST
    @Path("apps/apply")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Uni<Response> apply(MultivaluedMap<String, String> body, @Context HttpHeaders headers, @Context UriInfo uri) {
        return asUserPosting(body, headers, uri, user -> {
            ApplyForm form = ApplyForm.from(body);
            return Uni.combine().all().unis(offeredScopes(), username(user)).asTuple().flatMap(t -> {
                Set<String> offered = new HashSet<>();
                t.getItem1().forEach(s -> offered.add(s.name()));
                return applications.apply(user, form, offered).map(outcome -> {
                    if (outcome.registered() != null) {
                        return created(outcome.registered());
                    }
                    List<ScopeOption> options = t.getItem1().stream()
                            .map(s -> new ScopeOption(s.name(), s.description(), form.base().scopes().contains(s.name()))).toList();
                    return Html.page(400, Templates.apply(applyView(form, options, outcome.errors(),
                            new Shown(body.getFirst(Csrf.FIELD), t.getItem2()))).render());
                });
            });
        });    }

    private static ApplyView applyView(ApplyForm form, List<ScopeOption> options, Map<String, String> errors, Shown shown) {
        DedicatedAppForm base = form.base();
        NewAppView view = new NewAppView(shown.username(), shown.csrf(), base.name(), base.redirectUris(), options,
                errors.get(DedicatedAppForm.NAME), errors.get(DedicatedAppForm.REDIRECT_URIS), errors.get(DedicatedAppForm.SCOPE),
                errors.get(DedicatedAppForm.FORM));
        return new ApplyView(view, List.of(
                new Field(ApplyForm.LOGO_URI, "Logo URL (https)", form.logoUri(), errors.get(ApplyForm.LOGO_URI)),
                new Field(ApplyForm.TOS_URI, "Terms of service URL", form.tosUri(), errors.get(ApplyForm.TOS_URI)),
                new Field(ApplyForm.POLICY_URI, "Privacy policy URL", form.policyUri(), errors.get(ApplyForm.POLICY_URI)),
                new Field(ApplyForm.REASON, "Why you apply: what the app does, for whom, with which scopes", form.reason(),
                        errors.get(ApplyForm.REASON))));
    }

    /** What the app page shows besides the app: a notice after an action, a re-shown edit form, errors by field. */
    private record PageState(String notice, AppEditForm form, Map<String, String> errors) {
        static PageState plain(String notice) {
            return new PageState(notice, null, Map.of());
        }
    }

    private static final Map<String, String> NOTICES = Map.of(
            "saved", "Your changes are saved.",
            "review", "Your changes are saved. The app went back to review: it cannot be used until an operator approves it again.",
            "reinstatement", "Your request is in the review queue. An operator will look at it.");

    /** The app page: only its owner sees it; to anyone else it does not exist (404). */
    @GET
    @Path("apps/{clientId}")
    public Uni<Response> app(@PathParam("clientId") String clientId, @QueryParam("done") String done, @Context HttpHeaders headers) {
        return asUser(user -> {
            Csrf.Token token = csrf.token(headers);
            return appPage(user, clientId, token.value(), 200, PageState.plain(done == null ? null : NOTICES.get(done)),
                    token.setCookie());
        });    }

    /** A new secret, shown once on the page the new-app secret uses; optionally the old one overlaps. */
    @POST
    @Path("apps/{clientId}/secret")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Uni<Response> rotate(@PathParam("clientId") String clientId, MultivaluedMap<String, String> body,
            @Context HttpHeaders headers, @Context UriInfo uri) {
        return asUserPosting(body, headers, uri, user -> {
            String given = body.getFirst("previous_secret_ttl");
            Integer ttl = given == null || given.isBlank() ? Integer.valueOf(0) : seconds(given.strip());
            if (ttl == null) {
                return appPage(user, clientId, body.getFirst(Csrf.FIELD), 400, new PageState(null, null,
                        Map.of("previous_secret_ttl", "Enter a whole number of seconds from 0 to " + SecretRotation.MAX_PREVIOUS_SECRET_TTL + ".")));
            }
            return actions.rotate(user, clientId, ttl)
                    .map(rotated -> rotated.isEmpty() ? noSuchApp() : secretShown(clientId, rotated.get().clientSecret()))
                    .onFailure(OAuthException.class).recoverWithUni(e -> appPage(user, clientId, body.getFirst(Csrf.FIELD), 400,
                            new PageState(null, null, Map.of(AppEditForm.FORM, DedicatedAppForm.sentence((OAuthException) e)))));
        });    }

    /**
     * A refresh token of a dedicated app for its owner's own account (the click is the consent),
     * shown once on the next page; a new one revokes the previous one.
     */
    @POST
    @Path("apps/{clientId}/own-token")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Uni<Response> issueOwnToken(@PathParam("clientId") String clientId, MultivaluedMap<String, String> body,
            @Context HttpHeaders headers, @Context UriInfo uri) {
        return asUserPosting(body, headers, uri, user -> ownTokens.issue(user, clientId)
                .map(issued -> issued.isEmpty() ? noSuchApp() : ownTokenShown(clientId, issued.get().refreshToken()))
                .onFailure(OAuthException.class).recoverWithUni(e -> appPage(user, clientId, body.getFirst(Csrf.FIELD), 400,
                        new PageState(null, null, Map.of(AppEditForm.FORM, DedicatedAppForm.sentence((OAuthException) e))))));
    }

    /** The page that shows the owner's new token, once: the cookie that carried it is cleared here. */
    @GET
    @Path("apps/{clientId}/own-token")
    public Uni<Response> ownToken(@PathParam("clientId") String clientId, @Context HttpHeaders headers) {
        return asUser(user -> {
            Cookie carried = headers.getCookies().get(OWN_TOKEN_COOKIE);
            String token = carried == null || carried.getValue() == null || !carried.getValue().matches("[0-9a-f]{64}") ? null
                    : carried.getValue();
            Csrf.Token csrfToken = csrf.token(headers);
            return Uni.combine().all().unis(owned.one(user, clientId), username(user)).asTuple().map(t -> {
                if (t.getItem1().isEmpty()) {
                    return noSuchApp();
                }
                String clear = OWN_TOKEN_COOKIE + "=; Path=" + ownTokenPath(clientId)
                        + "; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; SameSite=Strict" + secure();
                OwnTokenView view = new OwnTokenView(t.getItem2(), csrfToken.value(), clientId, t.getItem1().get().name(), token,
                        PortalClientBootstrap.trimmed(oauth.issuer()) + "/oauth/token");
                return Html.page(200, Templates.ownToken(view).render(), clear, csrfToken.setCookie());
            });
        });
    }

    /** The edit form: the registry's own validation; a third-party app's redirect or scope change goes back to review. */
    @POST
    @Path("apps/{clientId}/edit")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Uni<Response> edit(@PathParam("clientId") String clientId, MultivaluedMap<String, String> body,
            @Context HttpHeaders headers, @Context UriInfo uri) {
        return asUserPosting(body, headers, uri, user -> {
            AppEditForm form = AppEditForm.from(body);
            String token = body.getFirst(Csrf.FIELD);
            Map<String, String> errors = form.check();
            if (!errors.isEmpty()) {
                return appPage(user, clientId, token, 400, new PageState(null, form, errors));
            }
            // deferred: the reader throws before any Uni exists, and its errors belong on the form
            return Uni.createFrom().deferred(() -> actions.edit(user, clientId, form))
                    .map(updated -> updated.isEmpty() ? noSuchApp()
                            : Html.redirect(appPath(clientId) + "?done=" + (updated.get().backToReview() ? "review" : "saved"),
                                    Html.AFTER_POST))
                    .onFailure(OAuthException.class).recoverWithUni(e -> {
                        OAuthException o = (OAuthException) e;
                        return appPage(user, clientId, token, 400,
                                new PageState(null, form, Map.of(AppEditForm.fieldOf(o), DedicatedAppForm.sentence(o))));
                    });
        });    }

    /** Deletes the app once the box is ticked; its tokens stop working at once. */
    @POST
    @Path("apps/{clientId}/delete")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Uni<Response> delete(@PathParam("clientId") String clientId, MultivaluedMap<String, String> body,
            @Context HttpHeaders headers, @Context UriInfo uri) {
        return asUserPosting(body, headers, uri, user -> {
            if (!"yes".equals(body.getFirst("confirm"))) {
                return appPage(user, clientId, body.getFirst(Csrf.FIELD), 400,
                        new PageState(null, null, Map.of(AppEditForm.FORM, "Tick the box to confirm that the app should be deleted.")));
            }
            return actions.delete(user, clientId).map(deleted -> deleted ? Html.redirect("/developers/apps", Html.AFTER_POST) : noSuchApp());
        });    }

    /** A suspended app's request for reinstatement, once its cool-off has passed: back to the review queue. */
    @POST
    @Path("apps/{clientId}/reinstatement")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Uni<Response> reinstatement(@PathParam("clientId") String clientId, MultivaluedMap<String, String> body,
            @Context HttpHeaders headers, @Context UriInfo uri) {
        return asUserPosting(body, headers, uri, user -> {
            return actions.requestReinstatement(user, clientId, body.getFirst("message"))
                    .map(done -> done.isEmpty() ? noSuchApp() : Html.redirect(appPath(clientId) + "?done=reinstatement", Html.AFTER_POST))
                    .onFailure(OAuthException.class).recoverWithUni(e -> appPage(user, clientId, body.getFirst(Csrf.FIELD), 400,
                            new PageState(null, null, Map.of("message", DedicatedAppForm.sentence((OAuthException) e)))));
        });    }

    private Uni<Response> appPage(UUID user, String clientId, String csrfValue, int status, PageState state, String... cookies) {
        return Uni.combine().all().unis(actions.details(user, clientId), username(user)).asTuple().map(t -> {
            if (t.getItem1().isEmpty()) {
                return noSuchApp();
            }
            OwnerActions.AppDetails d = t.getItem1().get();
            ClientView c = d.client();
            AppEditForm form = state.form() != null ? state.form()
                    : new AppEditForm(c.metadata().clientName(), orEmpty(c.metadata().logoUri()), orEmpty(c.metadata().tosUri()),
                            orEmpty(c.metadata().policyUri()), String.join("\n", c.metadata().redirectUris()));
            Map<String, String> errors = state.errors();
            List<Field> fields = List.of(
                    new Field(AppEditForm.NAME, "Name", form.name(), errors.get(AppEditForm.NAME)),
                    new Field(AppEditForm.LOGO_URI, "Logo URL", form.logoUri(), errors.get(AppEditForm.LOGO_URI)),
                    new Field(AppEditForm.TOS_URI, "Terms of service URL", form.tosUri(), errors.get(AppEditForm.TOS_URI)),
                    new Field(AppEditForm.POLICY_URI, "Privacy policy URL", form.policyUri(), errors.get(AppEditForm.POLICY_URI)),
                    new Field(AppEditForm.REDIRECT_URIS, "Redirect URIs, one per line", form.redirectUris(),
                            errors.get(AppEditForm.REDIRECT_URIS)));
            AppRow row = new AppRow(c.clientId(), c.metadata().clientName(), c.metadata().appType(), c.status(), c.statusNote(),
                    c.metadata().redirectUris(), DAY.format(Instant.ofEpochSecond(c.clientIdIssuedAt()).atOffset(ZoneOffset.UTC)),
                    counts(d.connections()), d.connections().values().stream().mapToLong(Long::longValue).sum());
            OwnerActions.Suspension s = d.suspension();
            AppView view = new AppView(t.getItem2(), csrfValue, row, c.metadata().scope(), fields, s,
                    s == null ? null : DAY.format(s.since().atOffset(ZoneOffset.UTC)),
                    s == null ? null : DAY.format(s.requestFrom().atOffset(ZoneOffset.UTC)),
                    state.notice(), errors.get(AppEditForm.FORM), errors.get("previous_secret_ttl"), errors.get("message"),
                    OwnTokens.offered(c.metadata().appType(), c.status(),
                            c.metadata().grantTypes() == null ? Set.of() : new HashSet<>(c.metadata().grantTypes())));
            return Html.page(status, Templates.app(view).render(), cookies);
        });
    }

    private Response secretShown(String clientId, String secret) {
        String carry = NEW_SECRET_COOKIE + "=" + secret + "; Path=" + createdPath(clientId)
                + "; Max-Age=300; HttpOnly; SameSite=Strict" + secure();
        return Html.redirect(createdPath(clientId), Html.AFTER_POST, carry);
    }

    private Response ownTokenShown(String clientId, String token) {
        String carry = OWN_TOKEN_COOKIE + "=" + token + "; Path=" + ownTokenPath(clientId)
                + "; Max-Age=300; HttpOnly; SameSite=Strict" + secure();
        return Html.redirect(ownTokenPath(clientId), Html.AFTER_POST, carry);
    }

    private static String ownTokenPath(String clientId) {
        return "/developers/apps/" + clientId + "/own-token";
    }

    private static Integer seconds(String value) {
        if (!value.matches("[0-9]{1,9}")) {
            return null;
        }
        int n = Integer.parseInt(value);
        return n > SecretRotation.MAX_PREVIOUS_SECRET_TTL ? null : n;
    }

    private static String orEmpty(String value) {
        return value == null ? "" : value;
    }

    private static String appPath(String clientId) {
        return "/developers/apps/" + clientId;
    }

    private static Response noSuchApp() {
        return Html.page(404, Templates.problem(new ProblemView("No such app", "You own no app with this id.")).render());
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
        return secretShown(registered.client().clientId(), registered.clientSecret());
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
        List<StateCount> counts = counts(app.connections());
        long total = counts.stream().mapToLong(StateCount::count).sum();
        return new AppRow(app.clientId(), app.name(), app.appType(), app.status(), app.statusNote(), app.redirectUris(),
                app.createdAt() == null ? "" : DAY.format(app.createdAt()), counts, total);
    }

    private static List<StateCount> counts(Map<String, Long> connections) {
        List<StateCount> counts = new ArrayList<>();
        for (String state : Connections.STATES) {
            counts.add(new StateCount(state, connections.getOrDefault(state, 0L)));
        }
        return counts;
    }

    /** A page for the signed-in user, or the page that says the sign-in named no user. */
    private Uni<Response> asUser(Function<UUID, Uni<Response>> page) {
        UUID user = userId();
        return user == null ? Uni.createFrom().item(notAUser()) : page.apply(user);
    }

    /** A form post: its CSRF token is checked first (403 without it), then it is {@link #asUser}. */
    private Uni<Response> asUserPosting(MultivaluedMap<String, String> body, HttpHeaders headers, UriInfo uri,
            Function<UUID, Uni<Response>> action) {
        if (!csrf.accepts(headers, uri, body.getFirst(Csrf.FIELD))) {
            return Uni.createFrom().item(forbidden());
        }
        return asUser(action);
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
