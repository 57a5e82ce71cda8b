package io.keyfair.token.bootstrap;

import java.time.Duration;

import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.keyfair.common.client.ClientChanges;
import io.keyfair.common.config.AdminClientConfig;
import io.keyfair.common.secret.Secrets;
import io.quarkus.runtime.StartupEvent;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Creates or updates the bootstrap admin client from `KEYFAIR_ADMIN_CLIENT_ID` /
 * `KEYFAIR_ADMIN_CLIENT_SECRET` at start-up: approved, client_credentials only, scope `admin`,
 * and the configured secret as its only one.
 */
public class AdminClientBootstrap {

    private static final Logger LOG = Logger.getLogger(AdminClientBootstrap.class);

    private static final String UPSERT = """
            insert into clients (client_id, client_name, grant_types, scope, token_endpoint_auth_method, status, reason)
            values ($1, 'Keyfair admin', 'client_credentials', 'admin', 'client_secret_basic', 'approved',
                    'Bootstrap admin client')
            on conflict (client_id) do update set
                grant_types = 'client_credentials', scope = 'admin', token_endpoint_auth_method = 'client_secret_basic',
                status = 'approved', status_reason = null, updated_at = now()""";

    void onStart(@Observes StartupEvent event, AdminClientConfig config, Pool pool, ClientChanges changes) {
        if (config.clientId().isEmpty() || config.clientSecret().isEmpty()) {
            LOG.warn("KEYFAIR_ADMIN_CLIENT_ID / KEYFAIR_ADMIN_CLIENT_SECRET are not set: no bootstrap admin client");
            return;
        }
        String id = config.clientId().get();
        String secret = config.clientSecret().get();
        if (id.length() > 32 || !id.matches("[A-Za-z0-9_-]+")) {
            throw new IllegalArgumentException("KEYFAIR_ADMIN_CLIENT_ID must be at most 32 letters, digits, '-' or '_'");
        }
        if (!holdsAtLeast256Bits(secret)) {
            throw new IllegalArgumentException("KEYFAIR_ADMIN_CLIENT_SECRET must be at least 256 bits of randomness, "
                    + "e.g. 64 random hex digits (openssl rand -hex 32)");
        }
        pool.withTransaction(tx -> tx.preparedQuery(UPSERT).execute(Tuple.of(id))
                .flatMap(r -> tx.preparedQuery("delete from client_secrets where client_id = $1").execute(Tuple.of(id)))
                .flatMap(r -> tx.preparedQuery("insert into client_secrets (client_id, secret_hash) values ($1, $2)")
                        .execute(Tuple.of(id, io.vertx.core.buffer.Buffer.buffer(Secrets.sha256(secret))))))
                .flatMap(r -> changes.publish(id))
                .await().atMost(Duration.ofSeconds(30));
        LOG.infof("bootstrap admin client %s is ready", id);
    }

    /**
     * Whether a secret has room for 256 bits of randomness: its length times the bits per
     * character of the smallest usual alphabet it is written in (hex 4, base64url 6, any printable
     * ASCII 6.5), and not one character repeated. Randomness itself cannot be measured from one
     * value, so this refuses what is certainly too weak (short secrets, passphrases with spaces)
     * and the README says how to generate a good one. The admin client's secret guards every
     * client and user, and its id is public.
     */
    static boolean holdsAtLeast256Bits(String secret) {
        if (secret == null || secret.chars().distinct().count() < 2) {
            return false;
        }
        double bitsPerChar;
        if (secret.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
            bitsPerChar = 4;
        } else if (secret.chars().allMatch(c -> c < 128 && (Character.isLetterOrDigit(c) || c == '-' || c == '_'))) {
            bitsPerChar = 6;
        } else if (secret.chars().allMatch(c -> c > 32 && c < 127)) {
            bitsPerChar = 6.5;
        } else {
            return false;
        }
        return secret.length() * bitsPerChar >= 256;
    }
}
