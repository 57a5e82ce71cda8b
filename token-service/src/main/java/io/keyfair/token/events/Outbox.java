package io.keyfair.token.events;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The outbox `security_events` as the deliverer and the poll endpoint use it. A deliverer claims
 * due rows with a lease (`FOR UPDATE SKIP LOCKED`), so each is worked on by one deliverer of any
 * number of replicas, and one that stops loses nothing: its lease runs out. Every outcome is
 * written only while the row is still pending, so an acknowledgement is never undone.
 */
@ApplicationScoped
public class Outbox {

    /** The row's columns as {@link OutboxEvent#of} reads them, from `e`. */
    private static final String EVENT_COLUMNS = """
            e.id, e.jti, e.txn, e.client_id, e.event_type, e.user_id::text as user_id, e.session_id, e.stream_id,
            e.event::text as event, extract(epoch from e.created_at)::bigint as created_s, e.set_jwt, e.attempts""";

    /**
     * $1 lease (s), $2 how many, $3 apps whose receiver is busy, $4 their free slots, $5 slots of
     * any other app. Due rows, at most as many of one app as it has free slots, oldest first.
     */
    private static final String CLAIM = """
            with due as (
                select ranked.id from (
                    select d.id, d.next_attempt_at, row_number() over (partition by d.client_id order by d.next_attempt_at, d.id) as n,
                           coalesce(busy.free, $5) as free
                      from security_events d
                      left join unnest($3::text[], $4::int[]) as busy (client_id, free) on busy.client_id = d.client_id
                     where d.status = 'pending' and d.next_attempt_at <= now() and (d.leased_until is null or d.leased_until < now())
                ) ranked
                 where ranked.n <= ranked.free
                 order by ranked.next_attempt_at, ranked.id
                 limit $2),
                 locked as (
                select l.id from security_events l
                 where l.id in (select id from due) and l.status = 'pending' and (l.leased_until is null or l.leased_until < now())
                   for update skip locked),
                 claimed as (
                update security_events e set leased_until = now() + make_interval(secs => $1)
                 where e.id in (select id from locked)
                returning %s)
            select claimed.*, s.delivery_method, s.endpoint_url, s.authorization_header, s.status as stream_status
              from claimed left join ssf_streams s on s.client_id = claimed.client_id
             order by claimed.id""".formatted(EVENT_COLUMNS);

    private static final String STORE_SET = "update security_events set set_jwt = $2 where id = $1 and set_jwt is null";

    private static final String DELIVERED = """
            update security_events set status = 'delivered', delivered_at = now(), attempts = attempts + 1, last_error = null,
                   leased_until = null, set_jwt = coalesce(set_jwt, $2)
             where id = $1 and status = 'pending'""";

    /** $2 error, $3 delay (s), $4 retry-for (s): the next attempt, never later than the last one allowed; or failed. */
    private static final String RETRY = """
            update security_events set attempts = attempts + 1, last_error = $2, leased_until = null,
                   status = case when created_at + make_interval(secs => $4) <= now() then 'failed' else 'pending' end,
                   next_attempt_at = least(now() + make_interval(secs => $3), created_at + make_interval(secs => $4))
             where id = $1 and status = 'pending'
            returning status""";

    private static final String FAIL = """
            update security_events set status = 'failed', last_error = $2, leased_until = null where id = $1 and status = 'pending'""";

    /** $2 delay (s): looked at again then, attempts unchanged. */
    private static final String HOLD = """
            update security_events set next_attempt_at = now() + make_interval(secs => $2), leased_until = null
             where id = $1 and status = 'pending'""";

    /** $2 the SET, $3 retention (s): waits for its acknowledgement until created_at + retention. */
    private static final String PARK = """
            update security_events set set_jwt = coalesce(set_jwt, $2), leased_until = null,
                   next_attempt_at = created_at + make_interval(secs => $3)
             where id = $1 and status = 'pending'""";

    /** $1 client, $2 jtis. */
    private static final String ACK = """
            update security_events set status = 'delivered', delivered_at = now(), leased_until = null
             where client_id = $1 and jti = any ($2::text[]) and status = 'pending'""";

    /** $1 client, $2 jti, $3 error. */
    private static final String SET_ERROR = """
            update security_events set status = 'failed', last_error = $3, leased_until = null
             where client_id = $1 and jti = $2 and status = 'pending'""";

    /** $1 client, $2 how many, $3 retention (s): the app's pending events, oldest first. */
    private static final String AVAILABLE = """
            select %s, null as delivery_method, null as endpoint_url, null as authorization_header, null as stream_status
              from security_events e
             where e.client_id = $1 and e.status = 'pending' and e.created_at > now() - make_interval(secs => $3)
             order by e.id
             limit $2""".formatted(EVENT_COLUMNS);

    /** $1 id, $2 the SET: the one stored first wins. */
    private static final String STORE_POLLED = """
            update security_events set set_jwt = coalesce(set_jwt, $2) where id = $1 returning set_jwt""";

    private final Pool pool;

    Outbox(Pool pool) {
        this.pool = pool;
    }

    /**
     * Claims due events for {@code lease}: at most {@code limit}, and of each app at most its free
     * slots ({@code busy}: the apps with pushes in flight and their free slots; {@code perApp} for others).
     */
    public Uni<List<OutboxEvent>> claim(int limit, Map<String, Integer> busy, int perApp, Duration lease) {
        List<String> apps = new ArrayList<>(busy.keySet());
        Integer[] free = apps.stream().map(busy::get).toArray(Integer[]::new);
        Tuple args = Tuple.tuple().addValue((double) lease.toSeconds()).addValue(limit).addValue(apps.toArray(String[]::new))
                .addValue(free).addValue(perApp);
        return pool.preparedQuery(CLAIM).execute(args).map(rows -> {
            List<OutboxEvent> events = new ArrayList<>(rows.size());
            for (Row r : rows) {
                events.add(OutboxEvent.of(r));
            }
            return events;
        });
    }

    Uni<Void> storeSet(long id, String set) {
        return pool.preparedQuery(STORE_SET).execute(Tuple.of(id, set)).replaceWithVoid();
    }

    Uni<Void> delivered(long id, String set) {
        return pool.preparedQuery(DELIVERED).execute(Tuple.of(id, set)).replaceWithVoid();
    }

    /** Whether the event will be tried again (false: it has been retried for long enough, and failed). */
    Uni<Boolean> retry(long id, String error, Duration delay, Duration retryFor) {
        Tuple args = Tuple.of(id, error, delay.toMillis() / 1000.0, (double) retryFor.toSeconds());
        return pool.preparedQuery(RETRY).execute(args)
                .map(rows -> rows.size() > 0 && "pending".equals(rows.iterator().next().getString("status")));
    }

    Uni<Void> fail(long id, String error) {
        return pool.preparedQuery(FAIL).execute(Tuple.of(id, error)).replaceWithVoid();
    }

    Uni<Void> hold(long id, Duration delay) {
        return pool.preparedQuery(HOLD).execute(Tuple.of(id, (double) delay.toSeconds())).replaceWithVoid();
    }

    Uni<Void> park(long id, String set, Duration retention) {
        return pool.preparedQuery(PARK).execute(Tuple.of(id, set, (double) retention.toSeconds())).replaceWithVoid();
    }

    /** The app's events these jtis name are delivered: how many were pending. */
    Uni<Integer> acknowledge(String clientId, List<String> jtis) {
        if (jtis.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        return pool.preparedQuery(ACK).execute(Tuple.of(clientId, jtis.toArray(String[]::new))).map(rows -> rows.rowCount());
    }

    /** The receiver could not use the app's event of this jti (RFC 8936 `setErrs`): failed, with its reason. */
    Uni<Void> receiverError(String clientId, String jti, String error) {
        return pool.preparedQuery(SET_ERROR).execute(Tuple.of(clientId, jti, error)).replaceWithVoid();
    }

    /** Up to {@code limit} of the app's pending events, oldest first. */
    Uni<List<OutboxEvent>> available(String clientId, int limit, Duration retention) {
        return pool.preparedQuery(AVAILABLE).execute(Tuple.of(clientId, limit, (double) retention.toSeconds())).map(rows -> {
            List<OutboxEvent> events = new ArrayList<>(rows.size());
            for (Row r : rows) {
                events.add(OutboxEvent.of(r));
            }
            return events;
        });
    }

    /** Stores a SET signed for a poll: the stored one, which may be another replica's identical signature. */
    Uni<String> storePolled(long id, String set) {
        return pool.preparedQuery(STORE_POLLED).execute(Tuple.of(id, set))
                .map(rows -> rows.size() == 0 ? set : rows.iterator().next().getString("set_jwt"));
    }
}
