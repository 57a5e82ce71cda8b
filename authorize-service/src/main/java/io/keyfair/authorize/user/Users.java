package io.keyfair.authorize.user;

import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.keyfair.common.error.OAuthError;
import io.keyfair.common.error.OAuthException;
import io.keyfair.common.events.SecurityEvents;
import io.keyfair.common.events.SecurityEvents.Initiator;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.pgclient.PgException;

/**
 * Writes and reads `users` (this service is the table's only writer). A username is unique by
 * the schema's constraint: a write that would take one already taken fails with
 * {@link #conflict()}.
 */
@ApplicationScoped
public class Users {

    /** Every column but the password hash, in the order {@link #user} reads them. */
    private static final String COLUMNS = """
            id, username, email, email_verified, name, seller_verified, seller_since, roles, created_at, updated_at""";

    private static final String FIND = "select " + COLUMNS + " from users where id = $1";

    /** $1 … $8 the {@link #fields}, $9 created_at, $10 updated_at, $11 the password hash. */
    private static final String INSERT = "insert into users (" + COLUMNS + ", password_hash)"
            + " values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) returning " + COLUMNS;

    /** $1 … $8 the {@link #fields}, $9 updated_at, $10 a new password hash or null to keep the old one. */
    private static final String UPDATE = """
            update users set username = $2, email = $3, email_verified = $4, name = $5, seller_verified = $6,
                   seller_since = $7, roles = $8, updated_at = $9, password_hash = coalesce($10, password_hash)
             where id = $1 returning\s""" + COLUMNS;

    /** PostgreSQL's `unique_violation`. */
    private static final String UNIQUE_VIOLATION = "23505";

    private final Pool pool;
    private final Clock clock;

    Users(Pool pool, Clock clock) {
        this.pool = pool;
        this.clock = clock;
    }

    /** Creates a user from validated input and an already computed password hash. */
    public Uni<User> create(UserInput in, String passwordHash) {
        Instant now = now();
        User user = User.created(in.username(), now).with(in, now);
        Tuple args = fields(user).addValue(time(user.createdAt())).addValue(time(user.updatedAt())).addValue(passwordHash);
        return pool.preparedQuery(INSERT).execute(args)
                .onFailure(Users::isUniqueViolation).transform(e -> conflict())
                .map(Users::stored);
    }

    /** The user, or null when there is none. */
    public Uni<User> find(UUID id) {
        return find(pool, FIND, id);
    }

    /** The user's username, or empty when the user is gone. */
    public Uni<Optional<String>> username(UUID id) {
        return find(id).map(u -> Optional.ofNullable(u).map(User::username));
    }

    /**
     * Applies the given fields; a new password arrives already hashed. The row is locked while
     * the change is worked out, so two changes at once both apply. In the same transaction, the
     * user's connected apps are told (security events): of a new password (CAEP
     * credential-change), and of each changed claim they were granted (CAEP token-claims-change).
     *
     * @return the updated user, or null when there is none
     */
    public Uni<User> update(UUID id, UserInput in, String newPasswordHash) {
        Instant now = now();
        String txn = SecurityEvents.newTxn();
        return pool.withTransaction(tx -> find(tx, FIND + " for update", id).flatMap(u -> u == null
                        ? Uni.createFrom().<User>nullItem()
                        : tx.preparedQuery(UPDATE).execute(changed(u.with(in, now), newPasswordHash)).map(Users::stored)
                                .call(after -> SecurityEvents.claimsChanged(tx, txn, id.toString(), ChangedClaims.byScope(u, after)))
                                .call(after -> newPasswordHash == null ? Uni.createFrom().voidItem()
                                        : SecurityEvents.credentialChange(tx, txn, id.toString(), Initiator.ADMIN))))
                .onFailure(Users::isUniqueViolation).transform(e -> conflict());
    }

    /**
     * Deletes a user; consents and refresh families go with it (foreign keys cascade). Every app
     * the user was connected to gets a CAEP session-revoked, written in the same transaction
     * before the connections go. Whether there was one.
     */
    public Uni<Boolean> delete(UUID id) {
        String txn = SecurityEvents.newTxn();
        return pool.withTransaction(tx -> SecurityEvents.sessionRevoked(tx, txn, null, id.toString(), null, Initiator.ADMIN, null)
                .flatMap(n -> tx.preparedQuery("delete from users where id = $1").execute(Tuple.of(id)))
                .map(rows -> rows.rowCount() > 0));
    }

    static OAuthException conflict() {
        return OAuthException.of(OAuthError.CONFLICT, "A user with this username already exists");
    }

    /** Now, as PostgreSQL stores it (microseconds), so what a write answers is what a read gives. */
    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

    private static Uni<User> find(SqlClient sql, String query, UUID id) {
        return sql.preparedQuery(query).execute(Tuple.of(id)).map(rows -> rows.size() == 0 ? null : user(rows.iterator().next()));
    }

    private static Tuple changed(User u, String newPasswordHash) {
        return fields(u).addValue(time(u.updatedAt())).addValue(newPasswordHash);
    }

    /** $1 … $8: the id and what a change may set, in the order of {@link #COLUMNS}; roles join with a space (no role holds one). */
    private static Tuple fields(User u) {
        return Tuple.tuple()
                .addValue(u.id())
                .addValue(u.username())
                .addValue(u.email())
                .addValue(u.emailVerified())
                .addValue(u.name())
                .addValue(u.sellerVerified())
                .addValue(u.sellerSince())
                .addValue(String.join(" ", u.roles()));
    }

    /** The row a write returned: the user as it is now stored. */
    private static User stored(RowSet<Row> rows) {
        return user(rows.iterator().next());
    }

    private static User user(Row r) {
        String roles = r.getString("roles");
        return new User(r.getUUID("id"), r.getString("username"), r.getString("email"), r.getBoolean("email_verified"),
                r.getString("name"), r.getBoolean("seller_verified"), r.getLocalDate("seller_since"),
                roles == null || roles.isBlank() ? List.of() : Arrays.asList(roles.trim().split(" +")),
                r.getOffsetDateTime("created_at").toInstant(), r.getOffsetDateTime("updated_at").toInstant());
    }

    private static OffsetDateTime time(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }

    private static boolean isUniqueViolation(Throwable e) {
        Set<Throwable> seen = new HashSet<>();
        for (Throwable t = e; t != null && seen.add(t); t = t.getCause()) {
            if (t instanceof PgException pg && UNIQUE_VIOLATION.equals(pg.getSqlState())) {
                return true;
            }
        }
        return false;
    }
}
