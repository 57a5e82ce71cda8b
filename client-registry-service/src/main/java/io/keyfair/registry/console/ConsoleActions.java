package io.keyfair.registry.console;

import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.Cookie;
import jakarta.ws.rs.core.HttpHeaders;

import io.keyfair.common.config.OAuthConfig;
import io.keyfair.common.error.OAuthException;
import io.keyfair.registry.client.ClientEvents;
import io.keyfair.registry.client.Clients;
import io.keyfair.registry.connection.ConnectionRevocation;
import io.keyfair.registry.secret.RotatedSecret;
import io.keyfair.registry.secret.SecretRotation;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The console's actions besides approve/reject/suspend (those are {@link io.keyfair.registry.approval.Approvals}):
 * revoking connections and rotating a secret exactly as the admin API does (initiator ADMIN, the
 * same audit and cache notices), and transferring an app to another owner.
 */
@ApplicationScoped
public class ConsoleActions {

    /** The new secret, on its way to the app's page that shows it once (path-scoped, 5 minutes). */
    static final String NEW_SECRET_COOKIE = "kf_console_new_secret";

    private final Pool pool;
    private final Clients clients;
    private final ClientEvents events;
    private final ConnectionRevocation revocation;
    private final OAuthConfig oauth;
    private final SecretRotation rotation;

    ConsoleActions(Pool pool, Clients clients, ClientEvents events, ConnectionRevocation revocation, OAuthConfig oauth,
            SecretRotation rotation) {
        this.rotation = rotation;
        this.pool = pool;
        this.clients = clients;
        this.events = events;
        this.revocation = revocation;
        this.oauth = oauth;
    }

    /** `suspended_by` and `suspended_reason` of a client (both null unless suspended). */
    Uni<String[]> suspension(String clientId) {
        return pool.preparedQuery("select suspended_by, suspended_reason from clients where client_id = $1")
                .execute(Tuple.of(clientId)).map(rows -> {
                    for (Row r : rows) {
                        return new String[] {r.getString("suspended_by"), r.getString("suspended_reason")};
                    }
                    return new String[2];
                });
    }

    /** One connection ends as when the user removes the app; a missing one is a 404. */
    Uni<Void> revoke(String clientId, String userId, String actor) {
        return revocation.revoke(clientId, userId, actor);
    }

    /** Every live connection of the client ends, as the admin API does. */
    Uni<Integer> revokeAll(String clientId, String actor) {
        return revocation.revokeAll(clientId, actor);
    }

    /** A new secret at once (no overlap): the admin API's rotation, audited as the operator. */
    Uni<String> rotateSecret(String id, String actor) {
        return rotation.rotate(id, 0, actor).map(RotatedSecret::clientSecret);
    }

    /** The app gets a new owner (by username): audited `client.transferred`; the portal follows `owner_user_id`. */
    Uni<Void> transfer(String id, String username, String actor) {
        if (username == null) {
            throw OAuthException.invalidRequest("Give the username of the new owner");
        }
        return pool.withTransaction(tx -> clients.requireForUpdate(tx, id).flatMap(client -> tx.preparedQuery(
                        "select id from users where username = $1").execute(Tuple.of(username)).flatMap(rows -> {
                            if (rows.size() == 0) {
                                throw OAuthException.invalidRequest("No user has the username " + username);
                            }
                            java.util.UUID to = rows.iterator().next().getUUID("id");
                            String from = client.metadata().ownerUserId() == null ? null : client.metadata().ownerUserId().toString();
                            return tx.preparedQuery("update clients set owner_user_id = $2, updated_at = now() where client_id = $1")
                                    .execute(Tuple.of(id, to)).map(ignored -> {
                                        Map<String, Object> detail = new java.util.HashMap<>();
                                        if (from != null) {
                                            detail.put("from", from);
                                        }
                                        detail.put("to", to.toString());
                                        return detail;
                                    });
                        })))
                .flatMap(detail -> events.changed("client.transferred", id, actor, detail));
    }

    /** The `Set-Cookie` that carries a new secret to the app's page, once. */
    String showOnce(String id, String secret) {
        return NEW_SECRET_COOKIE + "=" + secret + "; Path=" + ConsolePage.appPath(id) + "; Max-Age=300; HttpOnly; SameSite=Strict"
                + secure();
    }

    String clearShown(String id) {
        return NEW_SECRET_COOKIE + "=; Path=" + ConsolePage.appPath(id)
                + "; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; SameSite=Strict" + secure();
    }

    String shownSecret(HttpHeaders headers) {
        Cookie carried = headers.getCookies().get(NEW_SECRET_COOKIE);
        return carried == null || carried.getValue() == null || !carried.getValue().matches("[0-9a-f]{64}") ? null
                : carried.getValue();
    }

    private String secure() {
        return oauth.issuer().startsWith("https:") ? "; Secure" : "";
    }

}
