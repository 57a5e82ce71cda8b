package io.keyfair.registry.ssf;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import io.keyfair.common.scope.SpaceDelimited;
import io.keyfair.common.secret.Secrets;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The `ssf_streams` table, which only the registry writes: one stream per app. Writes take the
 * caller's transaction, so a stream changes together with what caused it (the app's request, or
 * the client's `events_uri`).
 */
@ApplicationScoped
public class Streams {

    /** The longest stream id we hand out is 32 hex digits; the column holds 64. */
    static final int MAX_STREAM_ID = 64;

    private static final String COLUMNS = """
            s.client_id, s.stream_id, s.delivery_method, s.endpoint_url, s.authorization_header, s.events_requested,
            s.description, s.status, s.status_reason""";

    private static final String FIND = "select " + COLUMNS + ", c.status = 'suspended' as client_suspended"
            + " from ssf_streams s join clients c on c.client_id = s.client_id where s.client_id = $1";

    /** $1 client, $2 new stream id, $3 method, $4 url, $5 header, $6 events, $7 description; `created` when new. */
    private static final String CREATE_OR_REPLACE = """
            insert into ssf_streams as s (client_id, stream_id, delivery_method, endpoint_url, authorization_header,
                                          events_requested, description)
            values ($1, $2, $3, $4, $5, $6, $7)
            on conflict (client_id) do update
               set delivery_method = excluded.delivery_method, endpoint_url = excluded.endpoint_url,
                   authorization_header = excluded.authorization_header, events_requested = excluded.events_requested,
                   description = excluded.description, status = 'enabled', status_reason = null, updated_at = now()
            returning %s, false as client_suspended, (xmax = 0) as created""".formatted(COLUMNS);

    /** $1 client, $2 stream id, $3 … $7 as above; the status stays. */
    private static final String UPDATE = """
            update ssf_streams s
               set delivery_method = $3, endpoint_url = $4, authorization_header = $5, events_requested = $6,
                   description = $7, updated_at = now()
             where client_id = $1 and stream_id = $2
            returning %s, false as client_suspended""".formatted(COLUMNS);

    private final Pool pool;

    Streams(Pool pool) {
        this.pool = pool;
    }

    /** The app's stream, if it has one. */
    public Uni<Optional<Stream>> find(String clientId) {
        return find(pool, FIND, clientId);
    }

    /** The app's stream with this id, locked until the transaction ends; empty when the app has no such stream. */
    public Uni<Optional<Stream>> findForUpdate(SqlClient tx, String clientId, String streamId) {
        if (streamId == null || streamId.length() > MAX_STREAM_ID) {
            return Uni.createFrom().item(Optional.empty());
        }
        return find(tx, FIND + " for update of s", clientId).map(s -> s.filter(stream -> stream.streamId().equals(streamId)));
    }

    private static Uni<Optional<Stream>> find(SqlClient sql, String query, String clientId) {
        return sql.preparedQuery(query).execute(Tuple.of(clientId)).map(Streams::first);
    }

    /** A stream that was written, and whether it is new. */
    public record Written(Stream stream, boolean created) {
    }

    /**
     * The app's stream as these settings say, enabled: a new one, or its current one replaced
     * (keeping its id, so the receiver's references stay good).
     */
    public Uni<Written> createOrReplace(SqlClient tx, String clientId, StreamSettings settings) {
        return tx.preparedQuery(CREATE_OR_REPLACE).execute(settings(clientId, Secrets.randomHex(16), settings))
                .map(rows -> {
                    Row row = rows.iterator().next();
                    return new Written(stream(row), row.getBoolean("created"));
                });
    }

    /** The stream with these settings, its status unchanged; empty when the app has no such stream. */
    public Uni<Optional<Stream>> update(SqlClient tx, String clientId, String streamId, StreamSettings settings) {
        return tx.preparedQuery(UPDATE).execute(settings(clientId, streamId, settings)).map(Streams::first);
    }

    /** Whether the app had this stream. */
    public Uni<Boolean> delete(String clientId, String streamId) {
        return pool.preparedQuery("delete from ssf_streams where client_id = $1 and stream_id = $2")
                .execute(Tuple.of(clientId, streamId)).map(rows -> rows.rowCount() > 0);
    }

    /** The stream's status as the app set it; empty when the app has no such stream. */
    public Uni<Optional<Stream>> setStatus(SqlClient tx, String clientId, String streamId, String status, String reason) {
        return tx.preparedQuery("""
                        update ssf_streams s set status = $3, status_reason = $4, updated_at = now()
                          from clients c
                         where s.client_id = $1 and s.stream_id = $2 and c.client_id = s.client_id
                        returning %s, c.status = 'suspended' as client_suspended""".formatted(COLUMNS))
                .execute(Tuple.of(clientId, streamId, status, reason))
                .map(Streams::first);
    }

    /**
     * Keeps a client's stream with its `events_uri` (CONTRACT.md: a client that registers one has a
     * push stream to it with every event type, as if it had created one), in the transaction that
     * writes the client. A new or changed `events_uri` makes the stream push there (a new endpoint
     * never keeps the old one's credential); a removed one deletes the stream if it still pushes
     * to the old URI (the app may have moved it since).
     */
    public Uni<Void> followEventsUri(SqlClient tx, String clientId, String previous, String current) {
        if (Objects.equals(previous, current)) {
            return Uni.createFrom().voidItem();
        }
        if (current == null) {
            return tx.preparedQuery("delete from ssf_streams where client_id = $1 and delivery_method = $2 and endpoint_url = $3")
                    .execute(Tuple.of(clientId, Stream.PUSH, previous)).replaceWithVoid();
        }
        return tx.preparedQuery("""
                        insert into ssf_streams (client_id, stream_id, delivery_method, endpoint_url)
                        values ($1, $2, $3, $4)
                        on conflict (client_id) do update
                           set delivery_method = excluded.delivery_method, endpoint_url = excluded.endpoint_url,
                               authorization_header = null, events_requested = '', updated_at = now()""")
                .execute(Tuple.of(clientId, Secrets.randomHex(16), Stream.PUSH, current))
                .replaceWithVoid();
    }

    private static Tuple settings(String clientId, String streamId, StreamSettings s) {
        return Tuple.tuple().addValue(clientId).addValue(streamId).addValue(s.method()).addValue(s.endpointUrl())
                .addValue(s.authorizationHeader()).addValue(String.join(" ", s.eventsRequested())).addValue(s.description());
    }

    private static Optional<Stream> first(RowSet<Row> rows) {
        return rows.size() == 0 ? Optional.empty() : Optional.of(stream(rows.iterator().next()));
    }

    private static Stream stream(Row r) {
        return new Stream(r.getString("client_id"), r.getString("stream_id"), r.getString("delivery_method"),
                r.getString("endpoint_url"), r.getString("authorization_header"),
                List.copyOf(SpaceDelimited.parse(r.getString("events_requested"))), r.getString("description"),
                r.getString("status"), r.getString("status_reason"), r.getBoolean("client_suspended"));
    }
}
