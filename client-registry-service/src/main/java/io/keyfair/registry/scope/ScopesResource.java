package io.keyfair.registry.scope;

import java.util.List;
import java.util.Map;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

import org.jboss.logging.Logger;

import io.keyfair.common.admin.AdminCaller;
import io.keyfair.common.audit.AuditLog;
import io.keyfair.common.error.OAuthException;
import io.keyfair.common.scope.ScopeCatalog;
import io.keyfair.registry.JsonBody;
import io.keyfair.registry.client.ClientMetadataReader;
import io.smallrye.mutiny.Uni;

/**
 * `GET /admin/scopes`, the catalog in name order, and `POST /admin/scopes` `{name, description}`:
 * 201 with a new scope, 200 when it changed an existing scope's description.
 */
@Path("/admin/scopes")
@Produces(MediaType.APPLICATION_JSON)
public class ScopesResource {

    private static final Logger LOG = Logger.getLogger(ScopesResource.class);
    private static final int MAX_DESCRIPTION = 500;
    private final Scopes scopes;
    private final ScopeCatalog catalog;
    private final AuditLog audit;
    private final AdminCaller caller;

    ScopesResource(Scopes scopes, ScopeCatalog catalog, AuditLog audit, AdminCaller caller) {
        this.scopes = scopes;
        this.catalog = catalog;
        this.audit = audit;
        this.caller = caller;
    }

    @GET
    public Uni<List<ScopeView>> list() {
        return scopes.list();
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @APIResponse(responseCode = "201", description = "Added to the catalog",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ScopeView.class)))
    @APIResponse(responseCode = "200", description = "Its description replaced",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ScopeView.class)))
    public Uni<Response> save(String body) {
        JsonBody json = JsonBody.required(body, OAuthException::invalidRequest);
        String name = json.string("name");
        if (name == null || !ClientMetadataReader.SCOPE_TOKEN.matcher(name).matches()) {
            // RFC 6749 §3.3 scope-token
            throw OAuthException.invalidRequest("name must be 1 to 64 printable ASCII characters without space, quote or backslash");
        }
        String description = json.text("description");
        if (description == null || description.isBlank() || description.strip().length() > MAX_DESCRIPTION) {
            throw OAuthException.invalidRequest("description is required, at most " + MAX_DESCRIPTION + " characters");
        }
        String text = description.strip();
        String actor = caller.clientId();
        return scopes.save(name, text)
                .invoke(catalog::invalidate)
                .call(saved -> record(saved.created() ? "scope.created" : "scope.updated", actor, name))
                .map(saved -> Response.status(saved.created() ? Response.Status.CREATED : Response.Status.OK)
                        .entity(saved.scope()).build());
    }

    private Uni<Void> record(String type, String actor, String name) {
        return audit.record(type, null, null, actor, Map.of("name", name))
                .onFailure().recoverWithItem(e -> {
                    LOG.errorf("audit event %s not written: %s", type, e.getMessage());
                    return null;
                });
    }
}
