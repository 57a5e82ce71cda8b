package io.keyfair.authorize.page;

import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.core.Response;

import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import io.keyfair.common.error.ErrorMappers;
import io.keyfair.common.form.MalformedFormException;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;

/**
 * A form body or query this service cannot decode: the HTML error page on the browser-facing
 * paths (login, consent, logout, account, and the authorization endpoint, which shows a page
 * rather than redirect when it cannot trust `client_id` or `redirect_uri`), the JSON error of
 * `common` on the users admin API. Takes precedence over `common`'s mapper of the same exception.
 */
public class MalformedFormPage {

    private static final Logger LOG = Logger.getLogger(MalformedFormPage.class);
    static final String MESSAGE = "Your browser sent a form we could not read. Go back, reload the page and try again.";

    private final ErrorPage errorPage;

    MalformedFormPage(ErrorPage errorPage) {
        this.errorPage = errorPage;
    }

    @ServerExceptionMapper(priority = Priorities.USER - 1)
    public Uni<Response> malformed(MalformedFormException e, HttpServerRequest request) {
        if (request.path().startsWith("/admin/")) {
            return Uni.createFrom().item(ErrorMappers.render(e.error()));
        }
        LOG.debugf("malformed form or query: %s", e.getMessage());
        return errorPage.render(e.error().status(), "This request cannot be completed", MESSAGE);
    }
}
