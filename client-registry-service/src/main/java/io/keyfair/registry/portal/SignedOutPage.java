package io.keyfair.registry.portal;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Response;

import io.keyfair.registry.web.Html;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;

/**
 * Where Keyfair's `/logout` sends the browser after signing out of the portal (a registered
 * `post_logout_redirect_uri`): open to anyone, since the portal session is gone by then.
 */
@Path("/developers/signed-out")
public class SignedOutPage {

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance signedOut();
    }

    @GET
    public Response show() {
        return Html.page(200, Templates.signedOut().render());
    }
}
