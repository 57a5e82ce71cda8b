package io.keyfair.authorize.page;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.Response;

import org.jboss.logging.Logger;

import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.smallrye.mutiny.Uni;

/**
 * The HTML error page of the browser-facing endpoints. Only the public message of a
 * {@link PageException} is shown; anything else is a generic 500 with the cause in the log.
 */
@ApplicationScoped
public class ErrorPage {

    private static final Logger LOG = Logger.getLogger(ErrorPage.class);

    /** What the error template shows. */
    public record View(String title, String message, String home) {
    }

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance error(View view);
    }

    private final Links links;

    ErrorPage(Links links) {
        this.links = links;
    }

    /** The page for any failure of a browser-facing endpoint. */
    public Uni<Response> from(Throwable failure) {
        if (failure instanceof PageException e) {
            Uni<Response> page = render(e.status(), e.title(), e.getMessage());
            return e.retryAfterSeconds() <= 0 ? page
                    : page.map(r -> Response.fromResponse(r).header("Retry-After", Long.toString(e.retryAfterSeconds())).build());
        }
        LOG.error("page failed", failure);
        return render(500, "Something went wrong", "We could not complete this request. Please try again in a moment.");
    }

    public Uni<Response> render(int status, String title, String message) {
        return Templates.error(new View(title, message, links.path("/account/apps"))).createUni()
                .map(html -> Html.page(status, html));
    }
}
