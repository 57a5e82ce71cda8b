package io.keyfair.registry.portal;

import java.time.Duration;
import java.util.List;

import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.keyfair.common.client.ClientChanges;
import io.keyfair.common.config.OAuthConfig;
import io.keyfair.common.secret.Secrets;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Creates or updates, at start-up, the OIDC client the developer portal and the operator console
 * sign people in with (like token-service's bootstrap admin client): first-party and `trusted`,
 * so a signed-in user sees no consent page; authorization code (+ PKCE, sent by quarkus-oidc) and
 * refresh; scope `openid profile email roles`, so the ID token carries the roles the console
 * needs; redirect and post-logout URIs under the issuer's `/developers` and `/console`; the
 * configured secret as its only one.
 */
public class PortalClientBootstrap {

    private static final Logger LOG = Logger.getLogger(PortalClientBootstrap.class);

    static final String SCOPE = "openid profile email roles";

    private static final String UPSERT = """
            insert into clients (client_id, client_name, redirect_uris, grant_types, scope, token_endpoint_auth_method,
                                 app_type, trusted, status, reason, post_logout_redirect_uris)
            values ($1, 'Keyfair developer portal', $2, 'authorization_code refresh_token', $3, 'client_secret_basic',
                    'third_party', true, 'approved', 'Sign-in of the developer portal and the operator console', $4)
            on conflict (client_id) do update set
                client_name = excluded.client_name, redirect_uris = excluded.redirect_uris,
                grant_types = excluded.grant_types, scope = excluded.scope,
                token_endpoint_auth_method = excluded.token_endpoint_auth_method, app_type = 'third_party',
                owner_user_id = null, trusted = true, status = 'approved', status_reason = null,
                post_logout_redirect_uris = excluded.post_logout_redirect_uris, updated_at = now()""";

    /** The redirect URIs quarkus-oidc uses (its `redirect-path`s), under the issuer. */
    static List<String> redirectUris(String issuer) {
        return List.of(issuer + "/developers/callback", issuer + "/console/callback");
    }

    /** Where Keyfair's `/logout` may send the browser back to. */
    static List<String> postLogoutRedirectUris(String issuer) {
        return List.of(issuer + "/developers/signed-out", issuer + "/console/signed-out");
    }

    void onStart(@Observes StartupEvent event, PortalConfig config, OAuthConfig oauth, Pool pool, ClientChanges changes) {
        if (config.clientId().isEmpty() || config.clientSecret().isEmpty()) {
            LOG.warn("KEYFAIR_PORTAL_CLIENT_ID / KEYFAIR_PORTAL_CLIENT_SECRET are not set: nobody can sign in to "
                    + "the developer portal or the console");
            return;
        }
        String id = config.clientId().get();
        String secret = config.clientSecret().get();
        if (id.length() > 32 || !id.matches("[A-Za-z0-9_-]+")) {
            throw new IllegalArgumentException("KEYFAIR_PORTAL_CLIENT_ID must be at most 32 letters, digits, '-' or '_'");
        }
        // quarkus-oidc also encrypts its state and session cookies with it, and wants 32 characters
        if (secret.length() < 32 || secret.chars().distinct().count() < 8) {
            throw new IllegalArgumentException("KEYFAIR_PORTAL_CLIENT_SECRET must be at least 32 random characters, "
                    + "e.g. 64 random hex digits (openssl rand -hex 32)");
        }
        String issuer = trimmed(oauth.issuer());
        Tuple row = Tuple.of(id, String.join(" ", redirectUris(issuer)), SCOPE, String.join(" ", postLogoutRedirectUris(issuer)));
        pool.withTransaction(tx -> tx.preparedQuery(UPSERT).execute(row)
                .flatMap(r -> tx.preparedQuery("delete from client_secrets where client_id = $1").execute(Tuple.of(id)))
                .flatMap(r -> tx.preparedQuery("insert into client_secrets (client_id, secret_hash) values ($1, $2)")
                        .execute(Tuple.of(id, Buffer.buffer(Secrets.sha256(secret))))))
                .flatMap(r -> changes.publish(id))
                .await().atMost(Duration.ofSeconds(30));
        LOG.infof("developer portal client %s is ready", id);
    }

    static String trimmed(String issuer) {
        return issuer.endsWith("/") ? issuer.substring(0, issuer.length() - 1) : issuer;
    }
}
