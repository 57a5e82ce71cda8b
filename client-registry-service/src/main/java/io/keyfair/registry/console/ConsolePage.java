package io.keyfair.registry.console;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.eclipse.microprofile.jwt.JsonWebToken;

import io.keyfair.common.connection.Connections;
import io.keyfair.common.error.OAuthException;
import io.keyfair.registry.approval.Approvals;
import io.keyfair.registry.web.Csrf;
import io.keyfair.registry.web.Html;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.quarkus.security.Authenticated;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;

/**
 * The operator console (CONTRACT.md): the review queue, apps, users and the audit log, for users
 * whose row in the users table has role `operator` (acts) or `support` (reads only). The role is
 * read from the database at each request, by the ID token's `sub`, since ID tokens need not carry
 * roles. Every form is CSRF-protected; a support user's or a stranger's POST is refused with 403.
 * State changes go through the same code as the admin API, audited as `operator:<user id>`.
 */
@Path("/console")
@Authenticated
public class ConsolePage {

    static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'");

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance queue(QueueView view);

        static native TemplateInstance apps(AppsView view);

        static native TemplateInstance app(AppView view);

        static native TemplateInstance users(UsersView view);

        static native TemplateInstance user(UserView view);

        static native TemplateInstance audit(AuditView view);

        static native TemplateInstance problem(ProblemView view);
    }

    /** Who is signed in, and the CSRF token of the page's forms. */
    public record Viewer(String username, boolean acts, String csrf) {
    }

    /** @param next the link to the next page, or null on the last one */
    public record QueueView(Viewer viewer, List<ConsoleQueries.App> apps, String next) {
    }

    public record AppsView(Viewer viewer, String q, String status, String type, List<ConsoleQueries.App> apps, String next) {
    }

    public record AppView(Viewer viewer, ConsoleQueries.App app, String suspendedBy, String suspendedReason,
            List<ConsoleQueries.Event> history, List<StateGroup> connections, String newSecret) {
    }

    public record StateGroup(String state, List<Connections.Connection> connections) {
    }

    public record UsersView(Viewer viewer, String q, List<ConsoleQueries.User> users, String next) {
    }

    public record UserView(Viewer viewer, ConsoleQueries.User user, List<Connections.Connection> connections) {
    }

    public record AuditView(Viewer viewer, String clientId, String userId, String type, List<ConsoleQueries.Event> events,
            String next) {
    }

    public record ProblemView(String title, String message) {
    }

    /** The signed-in operator or support user. */
    private record Signed(UUID id, ConsoleQueries.User user, ConsoleRole role) {
        String actor() {
            return "operator:" + id;
        }
    }

    private final SecurityIdentity identity;
    private final ConsoleQueries queries;
    private final ConsoleActions actions;
    private final Approvals approvals;
    private final Connections connections;
    private final Csrf csrf;

    ConsolePage(SecurityIdentity identity, ConsoleQueries queries, ConsoleActions actions, Approvals approvals,
            Connections connections, Csrf csrf) {
        this.identity = identity;
        this.queries = queries;
        this.actions = actions;
        this.approvals = approvals;
        this.connections = connections;
        this.csrf = csrf;
    }

    // ---- pages ----

    @GET
    public Uni<Response> queue(@QueryParam("after") String after, @Context HttpHeaders headers) {
        return page(headers, (s, viewer) -> queries.pending(clip(after)).map(apps -> {
            Paged<ConsoleQueries.App> paged = Paged.of(apps, ConsoleQueries.App::clientId, "/console?");
            return Templates.queue(new QueueView(viewer, paged.items(), paged.next()));
        }));
    }

    @GET
    @Path("apps")
    public Uni<Response> apps(@QueryParam("q") String q, @QueryParam("status") String status, @QueryParam("type") String type,
            @QueryParam("after") String after, @Context HttpHeaders headers) {
        return page(headers, (s, viewer) -> queries.search(clip(q), clip(status), clip(type), clip(after)).map(apps -> {
            Paged<ConsoleQueries.App> paged = Paged.of(apps, ConsoleQueries.App::clientId, "/console/apps?q=" + encode(orEmpty(q))
                    + "&status=" + encode(orEmpty(status)) + "&type=" + encode(orEmpty(type)) + "&");
            return Templates.apps(new AppsView(viewer, orEmpty(q), orEmpty(status), orEmpty(type), paged.items(), paged.next()));
        }));
    }

    @GET
    @Path("apps/{id}")
    public Uni<Response> app(@PathParam("id") String id, @Context HttpHeaders headers) {
        return page(headers, (s, viewer) -> queries.app(id).flatMap(found -> {
            if (found.isEmpty()) {
                return Uni.createFrom().item(Templates.problem(new ProblemView("No such app", "No app has the id " + id + ".")));
            }
            return Uni.combine().all().unis(actions.suspension(id), queries.audit(id, null, null, null, 100),
                    connections.ofClient(id, Optional.empty(), Optional.empty(), 500)).asTuple()
                    .map(t -> Templates.app(new AppView(viewer, found.get(), t.getItem1()[0], t.getItem1()[1], t.getItem2(),
                            groups(t.getItem3().connections()), actions.shownSecret(headers))));
        }), actions.clearShown(id));
    }

    @GET
    @Path("users")
    public Uni<Response> users(@QueryParam("q") String q, @QueryParam("after") String after, @Context HttpHeaders headers) {
        return page(headers, (s, viewer) -> queries.searchUsers(clip(q), clip(after)).map(users -> {
            Paged<ConsoleQueries.User> paged = Paged.of(users, ConsoleQueries.User::username, "/console/users?q=" + encode(orEmpty(q)) + "&");
            return Templates.users(new UsersView(viewer, orEmpty(q), paged.items(), paged.next()));
        }));
    }

    @GET
    @Path("users/{id}")
    public Uni<Response> user(@PathParam("id") String id, @Context HttpHeaders headers) {
        return page(headers, (s, viewer) -> {
            if (!Connections.isUserId(id)) {
                return Uni.createFrom().item(Templates.problem(new ProblemView("No such user", "No user has this id.")));
            }
            return queries.user(UUID.fromString(id)).flatMap(found -> found.isEmpty()
                    ? Uni.createFrom().item(Templates.problem(new ProblemView("No such user", "No user has this id.")))
                    : connections.ofUser(id, Optional.empty(), Optional.empty(), 500)
                            .map(p -> Templates.user(new UserView(viewer, found.get(), p.connections()))));
        });
    }

    @GET
    @Path("audit")
    public Uni<Response> audit(@QueryParam("client_id") String clientId, @QueryParam("user_id") String userId,
            @QueryParam("type") String type, @QueryParam("before") String before, @Context HttpHeaders headers) {
        Long cursor = before != null && before.matches("\\d{1,18}") ? Long.valueOf(before) : null;
        return page(headers, (s, viewer) -> queries.audit(clip(clientId), clip(userId), clip(type), cursor, ConsoleQueries.PAGE + 1)
                .map(events -> {
                    String next = null;
                    if (events.size() > ConsoleQueries.PAGE) {
                        events = events.subList(0, ConsoleQueries.PAGE);
                        next = "/console/audit?client_id=" + encode(orEmpty(clientId)) + "&user_id=" + encode(orEmpty(userId))
                                + "&type=" + encode(orEmpty(type)) + "&before=" + events.get(events.size() - 1).id();
                    }
                    return Templates.audit(new AuditView(viewer, orEmpty(clientId), orEmpty(userId), orEmpty(type), events, next));
                }));
    }

    // ---- actions (operator only) ----

    @POST
    @Path("apps/{id}/approve")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Uni<Response> approve(@PathParam("id") String id, MultivaluedMap<String, String> form, @Context HttpHeaders headers,
            @Context UriInfo uri) {
        return act(form, headers, uri, s -> approvals.approve(id, note(form), s.actor()).replaceWith(back(form, id)));
    }

    @POST
    @Path("apps/{id}/reject")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Uni<Response> reject(@PathParam("id") String id, MultivaluedMap<String, String> form, @Context HttpHeaders headers,
            @Context UriInfo uri) {
        return act(form, headers, uri, s -> {
            String note = note(form);
            if (note == null) {
                return Uni.createFrom().item(Html.page(400, Templates.problem(new ProblemView("A note is required",
                        "Say why the app is rejected: its developer reads the note. Go back and write one.")).render()));
            }
            return approvals.reject(id, note, s.actor()).replaceWith(back(form, id));
        });
    }

    @POST
    @Path("apps/{id}/suspend")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Uni<Response> suspend(@PathParam("id") String id, MultivaluedMap<String, String> form, @Context HttpHeaders headers,
            @Context UriInfo uri) {
        return act(form, headers, uri, s -> approvals.suspend(id, note(form), s.actor()).replaceWith(back(form, id)));
    }

    @POST
    @Path("apps/{id}/rotate-secret")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Uni<Response> rotate(@PathParam("id") String id, MultivaluedMap<String, String> form, @Context HttpHeaders headers,
            @Context UriInfo uri) {
        return act(form, headers, uri, s -> actions.rotateSecret(id, s.actor())
                .map(secret -> Html.redirect(appPath(id), Html.AFTER_POST, actions.showOnce(id, secret))));
    }

    @POST
    @Path("apps/{id}/connections/{userId}/revoke")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Uni<Response> revokeOne(@PathParam("id") String id, @PathParam("userId") String userId,
            MultivaluedMap<String, String> form, @Context HttpHeaders headers, @Context UriInfo uri) {
        return act(form, headers, uri, s -> {
            if (!Connections.isUserId(userId)) {
                throw OAuthException.notFound("No such connection");
            }
            return actions.revoke(id, userId, s.actor()).replaceWith(back(form, id));
        });
    }

    @POST
    @Path("apps/{id}/connections/revoke")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Uni<Response> revokeAll(@PathParam("id") String id, MultivaluedMap<String, String> form, @Context HttpHeaders headers,
            @Context UriInfo uri) {
        return act(form, headers, uri, s -> actions.revokeAll(id, s.actor()).replaceWith(back(form, id)));
    }

    @POST
    @Path("apps/{id}/transfer")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Uni<Response> transfer(@PathParam("id") String id, MultivaluedMap<String, String> form, @Context HttpHeaders headers,
            @Context UriInfo uri) {
        return act(form, headers, uri, s -> actions.transfer(id, ConsoleQueries.blankToNull(form.getFirst("username")), s.actor())
                .replaceWith(back(form, id)));
    }

    // ---- the steps every page and action shares ----

    /** One page of a list read with one row too many: the rows shown and the link to the next page (null on the last). */
    private record Paged<T>(List<T> items, String next) {
        static <T> Paged<T> of(List<T> read, Function<T, String> key, String linkPrefix) {
            if (read.size() <= ConsoleQueries.PAGE) {
                return new Paged<>(read, null);
            }
            List<T> shown = read.subList(0, ConsoleQueries.PAGE);
            return new Paged<>(shown, linkPrefix + "after=" + encode(key.apply(shown.get(shown.size() - 1))));
        }
    }

    private interface Render {
        Uni<TemplateInstance> render(Signed signed, Viewer viewer);
    }

    /** A page for operator and support users; anyone else gets the 403 page. */
    private Uni<Response> page(HttpHeaders headers, Render render, String... extraCookies) {
        return signedIn().flatMap(s -> {
            if (s.isEmpty() || !s.get().role().reads()) {
                return Uni.createFrom().item(notAllowed());
            }
            Csrf.Token token = csrf.token(headers);
            Signed signed = s.get();
            Viewer viewer = new Viewer(signed.user().username(), signed.role().acts(), token.value());
            return render.render(signed, viewer).map(t -> {
                String[] cookies = java.util.Arrays.copyOf(extraCookies, extraCookies.length + 1);
                cookies[extraCookies.length] = token.setCookie();
                return Html.page(200, t.render(), cookies);
            });
        });
    }

    /** An action: the CSRF token first, then the operator role; an OAuth error of the step becomes a page. */
    private Uni<Response> act(MultivaluedMap<String, String> form, HttpHeaders headers, UriInfo uri,
            Function<Signed, Uni<Response>> step) {
        if (!csrf.accepts(headers, uri, form.getFirst(Csrf.FIELD))) {
            return Uni.createFrom().item(Html.page(403, Templates.problem(new ProblemView("Request refused",
                    "This form was not sent from a page of this site, or it was open for too long. Go back, reload the page and try again."))
                    .render()));
        }
        return signedIn().flatMap(s -> {
            if (s.isEmpty() || !s.get().role().acts()) {
                return Uni.createFrom().item(notAllowed());
            }
            return Uni.createFrom().deferred(() -> step.apply(s.get()));
        }).onFailure(OAuthException.class).recoverWithItem(e -> {
            OAuthException o = (OAuthException) e;
            return Html.page(o.status(), Templates.problem(new ProblemView("Not done", o.description())).render());
        });
    }

    private Uni<Optional<Signed>> signedIn() {
        if (!(identity.getPrincipal() instanceof JsonWebToken jwt) || !Connections.isUserId(jwt.getSubject())) {
            return Uni.createFrom().item(Optional.empty());
        }
        UUID id = UUID.fromString(jwt.getSubject());
        return queries.user(id).map(u -> u.map(user -> new Signed(id, user, ConsoleRole.of(user.roles()))));
    }

    private static Response notAllowed() {
        return Html.page(403, Templates.problem(new ProblemView("Not for your account",
                "The operator console is for users with the operator or support role.")).render());
    }

    /** After an action: back to the page the form was on (the queue or the app's page). */
    private static Response back(MultivaluedMap<String, String> form, String id) {
        return Html.redirect("queue".equals(form.getFirst("from")) ? "/console" : appPath(id), Html.AFTER_POST);
    }

    private static String note(MultivaluedMap<String, String> form) {
        String note = ConsoleQueries.blankToNull(form.getFirst("note"));
        if (note != null && note.length() > Approvals.MAX_NOTE) {
            throw OAuthException.invalidRequest("The note must be at most " + Approvals.MAX_NOTE + " characters");
        }
        return note;
    }

    private static List<StateGroup> groups(List<Connections.Connection> all) {
        return Connections.STATES.stream()
                .map(state -> new StateGroup(state, all.stream().filter(c -> state.equals(c.state())).toList()))
                .toList();
    }

    static String appPath(String id) {
        return "/console/apps/" + encode(id);
    }

    private static String clip(String filter) {
        return filter != null && filter.length() > 128 ? filter.substring(0, 128) : filter;
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** Formats a time for the templates. */
    @io.quarkus.qute.TemplateExtension
    static String shown(java.time.OffsetDateTime time) {
        return time == null ? "" : TIME.format(time.atZoneSameInstant(java.time.ZoneOffset.UTC));
    }

}
