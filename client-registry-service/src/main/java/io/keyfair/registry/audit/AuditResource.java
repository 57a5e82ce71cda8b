package io.keyfair.registry.audit;

import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import io.keyfair.common.admin.AdminTimes;
import io.keyfair.common.admin.Paging;
import io.keyfair.common.config.OAuthConfig;
import io.keyfair.common.connection.Connections;
import io.keyfair.common.error.OAuthException;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The audit log as operators read it (CONTRACT.md, `GET /admin/audit`): newest first, filtered by
 * client, user, type and time, paged by cursor. Events never hold a secret, code or token: their
 * writers pass ids and reasons only (AuditLog).
 */
@Path("/admin/audit")
@Produces(MediaType.APPLICATION_JSON)
public class AuditResource {

    private static final int MAX_FILTER = 128;

    /** $1 client, $2 user, $3 type, $4 since, $5 cursor (an id: older than it), $6 limit + 1. */
    private static final String PAGE = """
            select id, occurred_at, type, client_id, user_id, actor, detail
              from audit_events
             where ($1::text is null or client_id = $1)
               and ($2::text is null or user_id = $2)
               and ($3::text is null or type = $3)
               and ($4::timestamptz is null or occurred_at >= $4)
               and ($5::bigint is null or id < $5)
             order by id desc
             limit $6""";

    private final Pool pool;
    private final OAuthConfig oauth;

    AuditResource(Pool pool, OAuthConfig oauth) {
        this.pool = pool;
        this.oauth = oauth;
    }

    /** `{"events": [...], "next": URL or null}`. */
    @GET
    public Uni<Map<String, Object>> list(@QueryParam("client_id") String clientId, @QueryParam("user_id") String userId,
            @QueryParam("type") String type, @QueryParam("since") String since, @QueryParam("cursor") String cursor,
            @QueryParam("limit") String limit) {
        int max = Paging.limit(limit);
        Tuple args = Tuple.tuple().addValue(filter("client_id", clientId)).addValue(filter("user_id", userId))
                .addValue(filter("type", type)).addValue(since(since)).addValue(cursor(cursor)).addValue(max + 1);
        return pool.preparedQuery(PAGE).execute(args).map(rows -> {
            List<Map<String, Object>> events = new ArrayList<>();
            Long last = null;
            for (Row r : rows) {
                if (events.size() == max) {
                    break;
                }
                events.add(event(r));
                last = r.getLong("id");
            }
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("events", events);
            body.put("next", rows.size() > max ? Paging.next(oauth.issuer(), "/admin/audit", max, Long.toString(last), "client_id", clientId,
                    "user_id", userId, "type", type, "since", since) : null);
            return body;
        });
    }

    private static Map<String, Object> event(Row r) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("id", Long.toString(r.getLong("id")));
        e.put("time", AdminTimes.iso(r.getOffsetDateTime("occurred_at")));
        e.put("type", r.getString("type"));
        e.put("client_id", r.getString("client_id"));
        e.put("user_id", r.getString("user_id"));
        e.put("actor", actor(r.getString("actor"), r.getString("user_id")));
        Object detail = r.getValue("detail");
        e.put("detail", detail instanceof JsonObject json ? json.getMap() : Map.of());
        return e;
    }

    /**
     * `admin:<client id>`, `user:<user id>`, `operator:<user id>` or `policy`. Newer events store
     * the prefixed form; older ones stored the bare id, a user's id (a UUID) or an admin client's.
     */
    public static String actor(String stored, String userId) {
        if (stored == null || stored.indexOf(':') >= 0 || stored.equals("policy")) {
            return stored;
        }
        return Connections.isUserId(stored) || stored.equals(userId) ? "user:" + stored : "admin:" + stored;
    }

    private static String filter(String name, String value) {
        if (value != null && value.length() > MAX_FILTER) {
            throw OAuthException.invalidRequest(name + " is too long");
        }
        return value == null || value.isEmpty() ? null : value;
    }

    private static OffsetDateTime since(String value) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(value);
        } catch (DateTimeParseException e) {
            throw OAuthException.invalidRequest("since must be an ISO 8601 time with an offset, e.g. 2026-11-30T00:00:00Z");
        }
    }

    private static Long cursor(String value) {
        if (value == null) {
            return null;
        }
        try {
            long id = Long.parseLong(value);
            if (id > 0) {
                return id;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw OAuthException.invalidRequest("cursor is not one this API returned");
    }
}
