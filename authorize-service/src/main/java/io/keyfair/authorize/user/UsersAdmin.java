package io.keyfair.authorize.user;

import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import com.fasterxml.jackson.databind.JsonNode;

import io.keyfair.authorize.session.Sessions;
import io.keyfair.common.admin.AdminCaller;
import io.keyfair.common.audit.AuditLog;
import io.keyfair.common.error.OAuthException;
import io.keyfair.common.token.RevocationList;
import io.smallrye.mutiny.Uni;

/**
 * `/admin/users`: the marketplace's accounts, managed with an admin-scope bearer token (checked
 * for every `/admin/**` path by common's {@code AdminAuthorization}). Audit events name the
 * admin client as actor and never carry a password.
 */
@Path("/admin/users")
@Produces(MediaType.APPLICATION_JSON)
public class UsersAdmin {

    private final Users users;
    private final PasswordHasher hasher;
    private final AuditLog audit;
    private final AdminCaller caller;
    private final RevocationList revocations;
    private final Sessions sessions;

    UsersAdmin(Users users, PasswordHasher hasher, AuditLog audit, AdminCaller caller, RevocationList revocations,
            Sessions sessions) {
        this.users = users;
        this.hasher = hasher;
        this.audit = audit;
        this.caller = caller;
        this.revocations = revocations;
        this.sessions = sessions;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Response> create(JsonNode body) {
        UserInput in = UserInput.forCreate(body);
        String actor = caller.clientId();
        return hasher.hash(in.password())
                .flatMap(hash -> users.create(in, hash))
                .call(u -> audit.record("user.created", null, u.id().toString(), actor, Map.of("username", u.username())))
                .map(u -> Response.status(201).entity(new CreatedUser(u.id().toString()))
                        .header("Location", "/admin/users/" + u.id()).build());
    }

    @GET
    @Path("{id}")
    public Uni<UserView> get(@PathParam("id") String id) {
        UUID uuid = parseId(id);
        return users.find(uuid).map(u -> {
            if (u == null) {
                throw notFound();
            }
            return UserView.of(u);
        });
    }

    @PATCH
    @Path("{id}")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<UserView> update(@PathParam("id") String id, JsonNode body) {
        UUID uuid = parseId(id);
        UserInput in = UserInput.forUpdate(body);
        String actor = caller.clientId();
        Uni<String> newHash = in.password() == null ? Uni.createFrom().nullItem() : hasher.hash(in.password());
        return newHash
                .flatMap(hash -> users.update(uuid, in, hash))
                .map(u -> {
                    if (u == null) {
                        throw notFound();
                    }
                    return u;
                })
                // whoever signed in with the old password (perhaps the reason for the change) is out
                .call(u -> in.password() == null ? Uni.createFrom().voidItem() : sessions.endAll(u.id().toString()))
                // the field names only: never the values (a password above all)
                .call(u -> audit.record("user.updated", null, u.id().toString(), actor, Map.of("fields", new TreeSet<>(in.given()).toString())))
                .map(UserView::of);
    }

    @DELETE
    @Path("{id}")
    public Uni<Response> delete(@PathParam("id") String id) {
        UUID uuid = parseId(id);
        String actor = caller.clientId();
        // the refresh families disappear with the user; access tokens already out must stop too
        return revocations.revokeAllOfUser(uuid.toString(), "user_deleted")
                .flatMap(v -> users.delete(uuid))
                .flatMap(deleted -> {
                    if (!deleted) {
                        throw notFound();
                    }
                    return sessions.endAll(uuid.toString())
                            .call(v -> audit.record("user.deleted", null, uuid.toString(), actor, Map.of()));
                })
                .map(v -> Response.noContent().build());
    }

    private static UUID parseId(String id) {
        try {
            if (id != null && id.length() == 36) {
                return UUID.fromString(id);
            }
        } catch (IllegalArgumentException e) {
            // not a user id: the same answer as an unknown one
        }
        throw notFound();
    }

    private static OAuthException notFound() {
        return OAuthException.notFound("No such user");
    }
}
