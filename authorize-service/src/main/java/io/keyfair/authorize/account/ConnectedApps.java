package io.keyfair.authorize.account;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The user's live grants with what the account page shows of each. Refresh families belong to
 * token-service and are only read here, for the last use and whether a refresh token lives.
 */
@ApplicationScoped
public class ConnectedApps {

    private static final String LIST = """
            select c.client_id, c.client_name, c.logo_uri, c.status, k.scope, k.first_granted_at,
                   greatest(f.last_used, k.last_used_at) as last_used, f.families, f.live
              from consents k
              join clients c on c.client_id = k.client_id
              left join lateral (
                   select max(r.last_used_at) as last_used, count(*) as families,
                          count(*) filter (where r.revoked_at is null and r.expires_at > now()) as live
                     from refresh_families r
                    where r.user_id = k.user_id and r.client_id = k.client_id) f on true
             where k.user_id = $1 and k.revoked_at is null
             order by lower(c.client_name), c.client_id""";

    private final Pool pool;
    private final AccountConfig config;
    private final Clock clock;

    ConnectedApps(Pool pool, AccountConfig config, Clock clock) {
        this.pool = pool;
        this.config = config;
        this.clock = clock;
    }

    public Uni<List<ConnectedApp>> of(String userId) {
        return pool.preparedQuery(LIST).execute(Tuple.of(UUID.fromString(userId))).map(rows -> {
            List<ConnectedApp> apps = new ArrayList<>();
            for (Row r : rows) {
                OffsetDateTime lastUsed = r.getOffsetDateTime("last_used");
                apps.add(new ConnectedApp(r.getString("client_id"), r.getString("client_name"), r.getString("logo_uri"),
                        Arrays.stream(r.getString("scope").split(" ")).filter(s -> !s.isEmpty()).toList(),
                        r.getOffsetDateTime("first_granted_at").toEpochSecond(),
                        lastUsed == null ? null : lastUsed.toEpochSecond(),
                        state(r.getString("status"), lastUsed, r.getLong("families"), r.getLong("live"))));
            }
            return apps;
        });
    }

    private String state(String clientStatus, OffsetDateTime lastUsed, Long families, Long live) {
        if ("suspended".equals(clientStatus)) {
            return "suspended";
        }
        if (lastUsed != null && lastUsed.toInstant().isAfter(clock.instant().minus(config.activeWindow()))) {
            return "active";
        }
        boolean hadRefreshTokens = families != null && families > 0;
        return hadRefreshTokens && (live == null || live == 0) ? "reauth_required" : "idle";
    }
}
