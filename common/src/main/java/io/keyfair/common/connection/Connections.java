package io.keyfair.common.connection;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;

import io.keyfair.common.admin.AdminTimes;
import io.keyfair.common.error.OAuthException;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Connections: one user's grant (consent) to one client, with a state derived from real data
 * (CONTRACT.md, "Connections"), in this order:
 * <ol>
 * <li>`suspended`: the client is suspended;</li>
 * <li>`revoked`: the user or an admin removed the connection;</li>
 * <li>`reauth_required`: it had refresh tokens and none is alive (expired, or revoked by reuse
 * detection or by the app), or it never had one and has not been used within the active window:
 * the app must send the user through authorization again;</li>
 * <li>`active`: a token was issued or refreshed within the active window;</li>
 * <li>`idle`: a live refresh token, unused for longer.</li>
 * </ol>
 * The state is computed in SQL, so lists filter and page by it. Read-only: connections end through
 * {@link io.keyfair.common.token.RevocationList#removeConnection}.
 */
@ApplicationScoped
public class Connections {

    /** How connections are judged. */
    @ConfigMapping(prefix = "keyfair.connections")
    public interface Config {

        /** A connection used (token issued or refreshed) within this window is `active`. */
        @WithDefault("P7D")
        Duration activeWindow();
    }

    /** The states, as the contract spells them. */
    public static final List<String> STATES = List.of("active", "idle", "reauth_required", "revoked", "suspended");

    /** $1 = active window in seconds; the caller picks the columns and adds its own where clause on `k`. */
    private static final String SELECT = """
            select %s from (
              select k.user_id::text as user_id, u.username, k.client_id, c.client_name, c.logo_uri, k.scope,
                     k.first_granted_at, greatest(f.last_used, k.last_used_at) as last_used_at, f.refresh_expires_at,
                     case when c.status = 'suspended' then 'suspended'
                          when k.revoked_at is not null then 'revoked'
                          when f.families > 0 and f.live = 0 then 'reauth_required'
                          when greatest(f.last_used, k.last_used_at) > now() - make_interval(secs => $1) then 'active'
                          when f.live > 0 then 'idle'
                          else 'reauth_required' end as state
                from consents k
                join clients c on c.client_id = k.client_id
                join users u on u.id = k.user_id
                left join lateral (
                     select max(r.last_used_at) as last_used, count(*) as families,
                            count(*) filter (where r.revoked_at is null and r.expires_at > now()) as live,
                            max(r.expires_at) filter (where r.revoked_at is null and r.expires_at > now()) as refresh_expires_at
                       from refresh_families r
                      where r.user_id = k.user_id and r.client_id = k.client_id) f on true
               where %s) s""";

    /** Every connection counted by state (for the `keyfair_connections` gauge). */
    private static final String COUNTS = SELECT.formatted("state, count(*) as n", "true") + " group by state";

    /** $2 client: its connections counted by state. */
    private static final String COUNTS_OF_CLIENT = SELECT.formatted("state, count(*) as n", "k.client_id = $2") + " group by state";

    /** $2 client, $3 state or null, $4 cursor (user id) or null, $5 limit + 1. */
    private static final String OF_CLIENT = SELECT.formatted("*", "k.client_id = $2")
            + " where ($3::text is null or state = $3) and ($4::uuid is null or user_id::uuid > $4::uuid)"
            + " order by user_id::uuid limit $5";

    /** $2 user, $3 state or null, $4 cursor (client id) or null, $5 limit + 1. */
    private static final String OF_USER = SELECT.formatted("*", "k.user_id = $2::uuid")
            + " where ($3::text is null or state = $3) and ($4::text is null or client_id > $4)"
            + " order by client_id limit $5";

    /**
     * One connection.
     *
     * @param refreshExpiresAt when its last live refresh token expires, or null when none lives
     */
    public record Connection(String userId, String username, String clientId, String clientName, String logoUri, String state,
            String scope, OffsetDateTime firstGrantedAt, OffsetDateTime lastUsedAt, OffsetDateTime refreshExpiresAt) {

        /** The entry of the admin API's connection lists, members as the contract names them. */
        public Map<String, Object> json() {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("user_id", userId);
            e.put("username", username);
            e.put("client_id", clientId);
            e.put("client_name", clientName);
            e.put("state", state);
            e.put("scope", scope);
            e.put("first_granted_at", AdminTimes.iso(firstGrantedAt));
            e.put("last_used_at", AdminTimes.iso(lastUsedAt));
            e.put("refresh_expires_at", AdminTimes.iso(refreshExpiresAt));
            return e;
        }
    }

    /** A page of connections, and the cursor of the next one (null on the last). */
    public record Page(List<Connection> connections, String nextCursor) {

        /** `{"connections": [...], "next": URL or null}`, the URL made from the next cursor. */
        public Map<String, Object> json(Function<String, String> nextUrl) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("connections", connections.stream().map(Connection::json).toList());
            body.put("next", nextCursor == null ? null : nextUrl.apply(nextCursor));
            return body;
        }
    }

    /** A `state` query parameter: empty when absent, `invalid_request` when not one of {@link #STATES}. */
    public static Optional<String> stateFilter(String state) {
        if (state != null && !STATES.contains(state)) {
            throw OAuthException.invalidRequest("state must be one of " + String.join(", ", STATES));
        }
        return Optional.ofNullable(state);
    }

    private final Pool pool;
    private final Config config;

    Connections(Pool pool, Config config) {
        this.pool = pool;
        this.config = config;
    }

    /** A client's connections, ordered by user id; `cursor` is the last user id of the previous page. */
    public Uni<Page> ofClient(String clientId, Optional<String> state, Optional<String> cursor, int limit) {
        return page(OF_CLIENT, clientId, state, cursor, limit, Connection::userId);
    }

    /** A user's connections, ordered by client id; `cursor` is the last client id of the previous page. */
    public Uni<Page> ofUser(String userId, Optional<String> state, Optional<String> cursor, int limit) {
        return page(OF_USER, userId, state, cursor, limit, Connection::clientId);
    }

    /** How many connections are in each state now; states without any are 0. */
    public Uni<Map<String, Long>> countByState() {
        return counts(COUNTS, Tuple.of((double) config.activeWindow().toSeconds()));
    }

    /** How many connections one client has in each state now; states without any are 0. */
    public Uni<Map<String, Long>> countByStateOf(String clientId) {
        return counts(COUNTS_OF_CLIENT, Tuple.of((double) config.activeWindow().toSeconds(), clientId));
    }

    private Uni<Map<String, Long>> counts(String sql, Tuple args) {
        return pool.preparedQuery(sql).execute(args).map(rows -> {
            Map<String, Long> counts = new LinkedHashMap<>();
            STATES.forEach(state -> counts.put(state, 0L));
            for (Row r : rows) {
                counts.put(r.getString("state"), r.getLong("n"));
            }
            return counts;
        });
    }

    /** Whether the user ever granted the client anything (live or removed). */
    public Uni<Boolean> exists(String clientId, String userId) {
        return pool.preparedQuery("select 1 from consents where client_id = $1 and user_id = $2::uuid")
                .execute(Tuple.of(clientId, userId)).map(rows -> rows.size() > 0);
    }

    /** The users with a live consent to the client. */
    public Uni<List<String>> liveUsersOf(String clientId) {
        return pool.preparedQuery("select user_id::text as user_id from consents where client_id = $1 and revoked_at is null")
                .execute(Tuple.of(clientId)).map(rows -> {
                    List<String> users = new ArrayList<>();
                    for (Row r : rows) {
                        users.add(r.getString("user_id"));
                    }
                    return users;
                });
    }

    private Uni<Page> page(String sql, String key, Optional<String> state, Optional<String> cursor, int limit,
            Function<Connection, String> cursorOf) {
        Tuple args = Tuple.tuple().addValue((double) config.activeWindow().toSeconds()).addValue(key)
                .addValue(state.orElse(null)).addValue(cursor.orElse(null)).addValue(limit + 1);
        return pool.preparedQuery(sql).execute(args).map(rows -> {
            List<Connection> found = new ArrayList<>();
            for (Row r : rows) {
                found.add(new Connection(r.getString("user_id"), r.getString("username"), r.getString("client_id"),
                        r.getString("client_name"), r.getString("logo_uri"), r.getString("state"), r.getString("scope"),
                        r.getOffsetDateTime("first_granted_at"), r.getOffsetDateTime("last_used_at"),
                        r.getOffsetDateTime("refresh_expires_at")));
            }
            if (found.size() <= limit) {
                return new Page(found, null);
            }
            List<Connection> page = found.subList(0, limit);
            return new Page(List.copyOf(page), cursorOf.apply(page.get(limit - 1)));
        });
    }

    /** Whether a value names a user (a UUID), so it can be queried without an error. */
    public static boolean isUserId(String value) {
        try {
            return value != null && value.length() == 36 && UUID.fromString(value) != null;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
