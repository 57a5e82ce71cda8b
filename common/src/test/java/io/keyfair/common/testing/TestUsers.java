package io.keyfair.common.testing;

import java.time.Duration;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.UUID;

import io.keyfair.common.secret.Secrets;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Writes users straight into the real test database, as authorize-service would, each with a
 * unique username and the one {@link #PASSWORD}, so that they can sign in. A small builder:
 * {@code TestUsers.user().email(null).create(pool)}.
 */
public final class TestUsers {

    private static final Duration WAIT = Duration.ofSeconds(10);
    /** Every test user's password. */
    public static final String PASSWORD = "correct horse battery staple";
    /**
     * {@link #PASSWORD} as authorize-service's PasswordHasher stores it: an Argon2id PHC string
     * with its configured cost (m=19456, t=2, p=1), made once rather than per user.
     */
    static final String PASSWORD_HASH = "$argon2id$v=19$m=19456,t=2,p=1$a2V5ZmFpci10ZXN0dXNlcg$krZC/yHaPf1wuUsu7q+lQt53eUn8CU1jwJgxX+VmP/s";

    /** A user as created: its id, its generated username and its password in clear. */
    public record Created(String id, String username, String password) {
    }

    private String name = "Ada Lovelace";
    private String email = "ada@example.com";
    private boolean emailVerified = true;
    private boolean sellerVerified;
    private LocalDate sellerSince;
    private String roles = "";
    private OffsetDateTime updatedAt = OffsetDateTime.parse("2024-05-01T12:00:00Z");

    private TestUsers() {
    }

    public static TestUsers user() {
        return new TestUsers();
    }

    public TestUsers name(String value) {
        this.name = value;
        return this;
    }

    public TestUsers email(String value) {
        this.email = value;
        return this;
    }

    public TestUsers emailVerified(boolean value) {
        this.emailVerified = value;
        return this;
    }

    /** A verified seller since the given day, or not a verified seller when null. */
    public TestUsers seller(LocalDate since) {
        this.sellerVerified = since != null;
        this.sellerSince = since;
        return this;
    }

    /** Space separated, as stored. */
    public TestUsers roles(String value) {
        this.roles = value;
        return this;
    }

    public TestUsers updatedAt(OffsetDateTime value) {
        this.updatedAt = value;
        return this;
    }

    public Created create(Pool pool) {
        UUID id = UUID.randomUUID();
        String username = "user_" + Secrets.randomHex(6);
        pool.preparedQuery("""
                insert into users (id, username, password_hash, email, email_verified, name, seller_verified, seller_since,
                                   roles, updated_at)
                values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)""")
                .execute(Tuple.tuple().addValue(id).addValue(username).addValue(PASSWORD_HASH).addValue(email)
                        .addValue(emailVerified).addValue(name).addValue(sellerVerified).addValue(sellerSince).addValue(roles)
                        .addValue(updatedAt))
                .await().atMost(WAIT);
        return new Created(id.toString(), username, PASSWORD);
    }

    /** Deletes the user row, and with it whatever the schema cascades. */
    public static void delete(Pool pool, String id) {
        pool.preparedQuery("delete from users where id = $1").execute(Tuple.of(UUID.fromString(id))).await().atMost(WAIT);
    }
}
