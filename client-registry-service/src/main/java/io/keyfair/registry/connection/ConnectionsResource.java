package io.keyfair.registry.connection;

import java.util.Map;
import java.util.Optional;

import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

import io.keyfair.common.admin.AdminCaller;
import io.keyfair.common.admin.Paging;
import io.keyfair.common.config.OAuthConfig;
import io.keyfair.common.connection.Connections;
import io.keyfair.common.error.OAuthException;
import io.keyfair.registry.client.Clients;
import io.smallrye.mutiny.Uni;

/**
 * An operator's view of a client's connections (CONTRACT.md, "Connections"): list them by state
 * with cursor paging, revoke one exactly as the user removing the app would, or revoke them all.
 * `/admin/**` is guarded by common's AdminAuthorization.
 */
@Path("/admin/clients/{id}/connections")
@Produces(MediaType.APPLICATION_JSON)
public class ConnectionsResource {

    private final Clients clients;
    private final Connections connections;
    private final ConnectionRevocation revocation;
    private final AdminCaller caller;
    private final OAuthConfig oauth;

    ConnectionsResource(Clients clients, Connections connections, ConnectionRevocation revocation, AdminCaller caller,
            OAuthConfig oauth) {
        this.clients = clients;
        this.connections = connections;
        this.revocation = revocation;
        this.caller = caller;
        this.oauth = oauth;
    }

    /** `{"connections": [...], "next": URL or null}`, ordered by user id. */
    @GET
    public Uni<Map<String, Object>> list(@PathParam("id") String clientId, @QueryParam("state") String state,
            @QueryParam("limit") String limit, @QueryParam("cursor") String cursor) {
        Optional<String> filter = Connections.stateFilter(state);
        int max = Paging.limit(limit);
        if (cursor != null && !Connections.isUserId(cursor)) {
            throw OAuthException.invalidRequest("cursor is not one this API returned");
        }
        return clients.require(clientId)
                .flatMap(c -> connections.ofClient(clientId, filter, Optional.ofNullable(cursor), max))
                .map(page -> page.json(next -> Paging.next(oauth.issuer(), "/admin/clients/" + clientId + "/connections", max, next,
                        "state", state)));
    }

    /** 204: the consent, every refresh family and every access token of this connection end at once. */
    @DELETE
    @Path("{userId}")
    @APIResponse(responseCode = "204", description = "Revoked: every token of the connection stops at once")
    public Uni<Response> revoke(@PathParam("id") String clientId, @PathParam("userId") String userId) {
        return revocation.revoke(clientId, userId, "admin:" + caller.clientId()).replaceWith(Response.noContent().build());
    }

    /** `{"revoked": n}`: every live connection of the client ends, one after the other. */
    @POST
    @Path("revoke")
    public Uni<Map<String, Object>> revokeAll(@PathParam("id") String clientId) {
        return revocation.revokeAll(clientId, "admin:" + caller.clientId()).map(n -> Map.<String, Object>of("revoked", n));
    }
}
