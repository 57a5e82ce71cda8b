package io.keyfair.authorize.page;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.core.Response;

import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;
import org.jboss.resteasy.reactive.server.SimpleResourceInfo;

import io.keyfair.common.error.ErrorMappers;
import io.keyfair.common.form.MalformedFormException;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;

/**
 * The one exception mapper of the browser-facing endpoints, so that they name their steps and
 * leave failures to it: a {@link PageException} shows its public message with its status (and
 * `Retry-After`), a form body or query this service cannot decode shows a page asking to reload,
 * and anything else that fails a {@link Page} is a generic 500 page with the cause in the log.
 * Failures of any other resource (the users admin API, the PAR endpoint) keep common's JSON errors
 * ({@link ErrorMappers}).
 */
@ApplicationScoped
public class ErrorPage {

    private static final Logger LOG = Logger.getLogger(ErrorPage.class);
    static final String MALFORMED_FORM = "Your browser sent a form we could not read. Go back, reload the page and try again.";

    /** What the error template shows. */
    public record View(String title, String message, String home) {
    }

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance error(View view);
    }

    private final Links links;
    private final ErrorMappers json;

    ErrorPage(Links links, ErrorMappers json) {
        this.links = links;
        this.json = json;
    }

    @ServerExceptionMapper
    public Uni<Response> refused(PageException e) {
        Uni<Response> page = render(e.status(), e.title(), e.getMessage());
        return e.retryAfterSeconds() <= 0 ? page
                : page.map(r -> Response.fromResponse(r).header("Retry-After", Long.toString(e.retryAfterSeconds())).build());
    }

    /**
     * Ahead of common's mapper of the same exception. A query is checked before any resource is
     * matched, so the path decides: the login, consent, logout and account pages, and the
     * authorization endpoint (a page, not a redirect, when it cannot trust `client_id` or
     * `redirect_uri`), but not the users admin API or the PAR endpoint, whose callers read JSON.
     */
    @ServerExceptionMapper(priority = Priorities.USER - 1)
    public Uni<Response> malformed(MalformedFormException e, HttpServerRequest request) {
        if (request.path().startsWith("/admin/") || request.path().startsWith("/oauth/par")) {
            return Uni.createFrom().item(ErrorMappers.render(e.error()));
        }
        LOG.debugf("malformed form or query: %s", e.getMessage());
        return render(e.error().status(), "This request cannot be completed", MALFORMED_FORM);
    }

    /**
     * Ahead of common's catch-all (a lower priority number wins), but only for the pages: more
     * specific failures (an {@code OAuthException}, a JAX-RS status) keep their own mappers.
     */
    @ServerExceptionMapper(priority = Priorities.USER - 1)
    public Uni<Response> failed(Throwable e, SimpleResourceInfo resource) {
        if (resource == null || resource.getResourceClass() == null || !Page.class.isAssignableFrom(resource.getResourceClass())) {
            return Uni.createFrom().item(json.unexpected(e));
        }
        LOG.error("page failed", e);
        return render(500, "Something went wrong", "We could not complete this request. Please try again in a moment.");
    }

    private Uni<Response> render(int status, String title, String message) {
        return Templates.error(new View(title, message, links.path("/account/apps"))).createUni()
                .map(html -> Html.page(status, html));
    }
}
