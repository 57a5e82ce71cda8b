package io.keyfair.authorize.user;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import io.keyfair.common.admin.Paging;
import io.keyfair.common.config.OAuthConfig;
import io.keyfair.common.connection.Connections;
import io.keyfair.common.error.OAuthException;
import io.smallrye.mutiny.Uni;

/**
 * What operators look up about users (CONTRACT.md, "Connections"): users by a part of their
 * username or email, and one user's connections with their states, both cursor-paged like the
 * rest of the admin API. `/admin/**` is guarded by common's AdminAuthorization.
 */
@Path("/admin/users")
@Produces(MediaType.APPLICATION_JSON)
public class UserLookups {

    private static final int MAX_QUERY = 320;

    private final UserSearch search;
    private final Connections connections;
    private final OAuthConfig oauth;

    UserLookups(UserSearch search, Connections connections, OAuthConfig oauth) {
        this.search = search;
        this.connections = connections;
        this.oauth = oauth;
    }

    /** `{"users": [{id, username, email, name, roles}], "next"}`, by username. */
    @GET
    public Uni<Map<String, Object>> users(@QueryParam("q") String q, @QueryParam("limit") String limit,
            @QueryParam("cursor") String cursor) {
        if (q != null && q.length() > MAX_QUERY) {
            throw OAuthException.invalidRequest("q must be at most " + MAX_QUERY + " characters");
        }
        int max = Paging.limit(limit);
        return search.search(Optional.ofNullable(q), Optional.ofNullable(cursor), max).map(page -> {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("users", page.users());
            body.put("next", page.nextCursor() == null ? null : Paging.next(oauth.issuer(), "/admin/users", max, page.nextCursor(), "q", q));
            return body;
        });
    }

    /** `{"connections": [...], "next"}`: every connection of one user, by client id. */
    @GET
    @Path("{id}/connections")
    public Uni<Map<String, Object>> connections(@PathParam("id") String id, @QueryParam("state") String state,
            @QueryParam("limit") String limit, @QueryParam("cursor") String cursor) {
        if (!Connections.isUserId(id)) {
            throw OAuthException.notFound("No such user");
        }
        Optional<String> filter = Connections.stateFilter(state);
        int max = Paging.limit(limit);
        return search.exists(id).flatMap(exists -> {
            if (!exists) {
                throw OAuthException.notFound("No such user");
            }
            return connections.ofUser(id, filter, Optional.ofNullable(cursor), max);
        }).map(page -> page.json(next -> Paging.next(oauth.issuer(), "/admin/users/" + id + "/connections", max, next,
                "state", state)));
    }
}
