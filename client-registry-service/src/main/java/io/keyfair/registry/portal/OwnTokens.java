package io.keyfair.registry.portal;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;

import io.keyfair.common.audit.AuditLog;
import io.keyfair.common.client.ClientStatus;
import io.keyfair.common.config.OAuthConfig;
import io.keyfair.common.connection.ConsentGrant;
import io.keyfair.common.error.OAuthError;
import io.keyfair.common.error.OAuthException;
import io.keyfair.common.events.SecurityEvents;
import io.keyfair.common.events.SecurityEvents.Initiator;
import io.keyfair.common.refresh.RefreshFamilies;
import io.keyfair.common.scope.Scope;
import io.keyfair.common.scope.ScopeCatalog;
import io.keyfair.common.scope.SpaceDelimited;
import io.keyfair.common.secret.Secrets;
import io.keyfair.common.token.RevocationList;
import io.keyfair.registry.client.ClientMetadataReader;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * "Tokens for my own account": the owner of a dedicated app issues, from the portal, a refresh
 * token of that app for their own account, so a script for their own shop needs no redirect flow.
 * The owner's click is the consent. The registry holds no signing key, so it issues no access
 * token: it writes what the authorization code grant would have left behind (the consent, and a
 * refresh family with its first token, through the same {@link RefreshFamilies} token-service
 * uses), and the app redeems the token at once with the ordinary `refresh_token` grant.
 *
 * <p>One transaction, under a lock on the app's row so two clicks cannot both keep a token:
 * the owner's previous portal-issued families of the app are revoked with their access tokens
 * (the normal grant revocation, with the app's CAEP session-revoked when it has a stream), the
 * consent is granted, and the new family starts. Families of the owner's own redirect flows stay.
 */
@ApplicationScoped
public class OwnTokens {

    /** Why the previous families ended (kept on them, like `reuse` or `revoked`). */
    static final String REPLACED = "replaced";

    private static final String LOCK_APP = """
            select app_type, status, grant_types, scope from clients
             where client_id = $1 and owner_user_id = $2 for update""";

    private static final String PREVIOUS = """
            select distinct grant_id from refresh_families
             where client_id = $1 and user_id = $2 and owner_issued and revoked_at is null""";

    /** The token, shown once, with the scopes it carries and how many earlier tokens it replaced. */
    public record Issued(String refreshToken, String scope, int replaced, long expiresAt) {
    }

    private final Pool pool;
    private final RevocationList revocations;
    private final ScopeCatalog catalog;
    private final AuditLog audit;
    private final Duration ttl;
    private final Clock clock;

    OwnTokens(Pool pool, RevocationList revocations, ScopeCatalog catalog, AuditLog audit, OAuthConfig oauth, Clock clock) {
        this.pool = pool;
        this.revocations = revocations;
        this.catalog = catalog;
        this.audit = audit;
        this.ttl = oauth.refreshTokenTtl();
        this.clock = clock;
    }

    /**
     * A new refresh token of the app for its owner; empty when the user owns no app with this id.
     * Fails with `conflict` for a third-party app (only a dedicated app serves its owner alone),
     * `invalid_request` when the app is not approved or may not hold refresh tokens.
     */
    public Uni<Optional<Issued>> issue(UUID owner, String clientId) {
        return catalog.all().flatMap(scopes -> {
            List<Supplier<Uni<Void>>> mirrors = new ArrayList<>();
            return pool.withTransaction(tx -> tx.preparedQuery(LOCK_APP).execute(Tuple.of(clientId, owner)).flatMap(rows -> {
                if (rows.size() == 0) {
                    return Uni.createFrom().item(Optional.<Issued>empty());
                }
                String scope = grantable(rows.iterator().next(), scopes);
                return revokePrevious(tx, owner, clientId, mirrors)
                        .call(n -> ConsentGrant.grant(tx, owner, clientId, scope))
                        .flatMap(replaced -> start(tx, owner, clientId, scope, replaced))
                        .map(Optional::of);
            }))
                    // once committed: the revocations reach the Redis mirror, and the audit log hears of it
                    .call(() -> Multi.createFrom().iterable(mirrors).onItem().transformToUniAndConcatenate(Supplier::get)
                            .collect().last())
                    .call(issued -> issued.isEmpty() ? Uni.createFrom().voidItem()
                            : audit.record("connection.owner_token_issued", clientId, owner.toString(), OwnerActions.actor(owner),
                                    Map.of("scope", issued.get().scope(), "replaced", issued.get().replaced())));
        });
    }

    /** The scopes the token carries: every scope of the app a user may grant (never `admin` or `ssf.*`). */
    private static String grantable(Row app, Map<String, Scope> catalog) {
        // a token for its owner alone: a third-party app serves every user and is authorized by redirect
        if (!"dedicated".equals(app.getString("app_type"))) {
            throw OAuthException.of(OAuthError.CONFLICT, "Only a dedicated app can have a token for your own account");
        }
        if (!ClientStatus.APPROVED.value().equals(app.getString("status"))) {
            throw OAuthException.invalidRequest("The app must be approved to have a token");
        }
        if (!SpaceDelimited.parse(app.getString("grant_types")).contains(ClientMetadataReader.REFRESH_TOKEN)) {
            throw OAuthException.invalidRequest("The app may not hold refresh tokens: it was registered without the refresh_token grant");
        }
        List<String> granted = new ArrayList<>();
        for (String s : SpaceDelimited.parse(app.getString("scope"))) {
            Scope known = catalog.get(s);
            if (known != null && !known.restricted()) {
                granted.add(s);
            }
        }
        if (granted.isEmpty()) {
            throw OAuthException.invalidRequest("The app has no scope a user can grant");
        }
        return String.join(" ", granted);
    }

    /** Revokes the owner's earlier portal-issued families of the app, in the transaction; how many grants ended. */
    private Uni<Integer> revokePrevious(SqlClient tx, UUID owner, String clientId, List<Supplier<Uni<Void>>> mirrors) {
        String txn = SecurityEvents.newTxn();
        return tx.preparedQuery(PREVIOUS).execute(Tuple.of(clientId, owner)).flatMap(rows -> {
            List<String> grants = new ArrayList<>();
            rows.forEach(r -> grants.add(r.getString("grant_id")));
            if (grants.isEmpty()) {
                return Uni.createFrom().item(0);
            }
            return Multi.createFrom().iterable(grants)
                    .onItem().transformToUniAndConcatenate(g -> revocations.revokeGrant(tx, txn, g, REPLACED, Initiator.USER,
                            null))
                    .invoke(mirrors::add)
                    .collect().asList().map(List::size);
        });
    }

    private Uni<Issued> start(SqlClient tx, UUID owner, String clientId, String scope, int replaced) {
        String token = Secrets.newSecret();
        long now = clock.instant().getEpochSecond();
        RefreshFamilies.NewFamily family = new RefreshFamilies.NewFamily(UUID.randomUUID().toString(), Secrets.randomHex(16),
                clientId, owner.toString(), scope, now, ttl, token, true);
        return RefreshFamilies.start(tx, family).map(rows -> {
            if (rows.size() == 0) {
                throw OAuthException.invalidRequest("Your account no longer exists");
            }
            return new Issued(token, scope, replaced, rows.iterator().next().getLong("expires_at"));
        });
    }

    /** For the page: whether the app can have a token for its owner now (dedicated, approved, refresh grant). */
    static boolean offered(String appType, String status, Set<String> grantTypes) {
        return "dedicated".equals(appType) && ClientStatus.APPROVED.value().equals(status)
                && grantTypes.contains(ClientMetadataReader.REFRESH_TOKEN);
    }
}
