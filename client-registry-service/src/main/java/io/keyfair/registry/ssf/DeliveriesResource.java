package io.keyfair.registry.ssf;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import io.keyfair.common.admin.AdminTimes;
import io.keyfair.common.admin.Paging;
import io.keyfair.common.config.OAuthConfig;
import io.keyfair.common.error.OAuthException;
import io.keyfair.registry.client.Clients;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * `GET /admin/clients/{id}/events?status=pending|delivered|failed&limit=&cursor=`: an operator's
 * view of the security events for one app and how their delivery went, newest first, paged like
 * the connections list. Never the SET itself, its subject or the receiver's credentials.
 * `/admin/**` is guarded by common's AdminAuthorization.
 */
@Path("/admin/clients/{id}/events")
@Produces(MediaType.APPLICATION_JSON)
public class DeliveriesResource {

    static final List<String> STATUSES = List.of("pending", "delivered", "failed");
    /** A receiver's answer can be long; the list shows its start. */
    static final int MAX_ERROR = 500;
    private static final Pattern CURSOR = Pattern.compile("^[1-9][0-9]{0,17}$");

    /** $1 client, $2 status or null, $3 cursor (an id: older than it) or null, $4 limit + 1. */
    private static final String PAGE = """
            select id, jti, event_type, status, attempts, left(last_error, %d) as last_error, created_at, delivered_at,
                   next_attempt_at
              from security_events
             where client_id = $1 and ($2::text is null or status = $2) and ($3::bigint is null or id < $3)
             order by id desc
             limit $4""".formatted(MAX_ERROR);

    private final Clients clients;
    private final Pool pool;
    private final OAuthConfig oauth;

    DeliveriesResource(Clients clients, Pool pool, OAuthConfig oauth) {
        this.clients = clients;
        this.pool = pool;
        this.oauth = oauth;
    }

    /** `{"events": [...], "next": URL or null}`. */
    @GET
    public Uni<Map<String, Object>> list(@PathParam("id") String clientId, @QueryParam("status") String status,
            @QueryParam("limit") String limit, @QueryParam("cursor") String cursor) {
        if (status != null && !STATUSES.contains(status)) {
            throw OAuthException.invalidRequest("status must be pending, delivered or failed");
        }
        int max = Paging.limit(limit);
        if (cursor != null && !CURSOR.matcher(cursor).matches()) {
            throw OAuthException.invalidRequest("cursor is not one this API returned");
        }
        Long before = cursor == null ? null : Long.parseLong(cursor);
        return clients.require(clientId)
                .flatMap(c -> pool.preparedQuery(PAGE).execute(Tuple.of(clientId, status, before, max + 1)))
                .map(rows -> {
                    List<Map<String, Object>> events = new ArrayList<>(max);
                    String next = null;
                    for (Row row : rows) {
                        if (events.size() == max) {
                            next = Long.toString(row.getLong("id") + 1);
                            break;
                        }
                        events.add(entry(row));
                    }
                    Map<String, Object> body = new LinkedHashMap<>();
                    body.put("events", events);
                    body.put("next", next == null ? null
                            : Paging.next(oauth.issuer(), "/admin/clients/" + clientId + "/events", max, next, "status", status));
                    return body;
                });
    }

    private static Map<String, Object> entry(Row row) {
        String status = row.getString("status");
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("jti", row.getString("jti"));
        e.put("type", row.getString("event_type"));
        e.put("status", status);
        e.put("attempts", row.getInteger("attempts"));
        e.put("last_error", row.getString("last_error"));
        e.put("created_at", AdminTimes.iso(row.getOffsetDateTime("created_at")));
        e.put("delivered_at", AdminTimes.iso(row.getOffsetDateTime("delivered_at")));
        // only a pending event has a next attempt
        e.put("next_attempt_at", "pending".equals(status) ? AdminTimes.iso(row.getOffsetDateTime("next_attempt_at")) : null);
        return e;
    }
}
