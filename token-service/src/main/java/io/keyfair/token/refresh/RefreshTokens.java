package io.keyfair.token.refresh;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import jakarta.enterprise.context.ApplicationScoped;

import io.keyfair.common.audit.AuditLog;
import io.keyfair.common.client.ClientRecord;
import io.keyfair.common.config.OAuthConfig;
import io.keyfair.common.error.OAuthException;
import io.keyfair.common.events.SecurityEvents.Initiator;
import io.keyfair.common.refresh.RefreshFamilies;
import io.keyfair.common.scope.SpaceDelimited;
import io.keyfair.common.secret.Secrets;
import io.keyfair.common.token.RevocationList;
import io.keyfair.common.user.UserClaims;
import io.keyfair.common.limit.AbuseRules;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Refresh token families in PostgreSQL (RFC 9700 §4.14). Tokens are opaque 256-bit values stored
 * as SHA-256. Every use retires the presented token and issues exactly one successor, under a row
 * lock, so any number of racing requests yield one successor. A retry within the client's grace
 * window gets that same successor back: it is kept encrypted under the retired token, which the
 * server does not know. A retired token presented after the window revokes the whole family.
 */
@ApplicationScoped
public class RefreshTokens {

    /** The description of the invalid_grant for a grant whose user was deleted. */
    public static final String USER_GONE = "The user of this grant no longer exists";

    /** The refused outcome's reason when a retired token comes back. */
    static final String REUSE = "reuse";

    private static final SecureRandom RANDOM = new SecureRandom();

    /**
     * Rotation in one statement: lock the presented token's row; when it is live (not retired,
     * family neither revoked nor expired, the caller's, the requested scope within the grant's)
     * add the successor, retire the token and renew the family. A request that waited for the
     * lock re-reads the row (READ COMMITTED), finds it retired and writes nothing: one successor,
     * however many race.
     */
    private static final String ROTATE = """
            with cur as (
                select t.retired_at, t.successor_box, f.id as family_id, f.grant_id, f.client_id, f.user_id, f.scope,
                       f.auth_time, f.created_at, f.expires_at, f.revoked_at, f.dpop_jkt,
                       (t.retired_at is null and f.revoked_at is null and f.expires_at > now() and f.client_id = $4
                        and string_to_array(f.scope, ' ') @> $6::text[]
                        and (f.dpop_jkt is null or coalesce(f.dpop_jkt = $7::varchar, false))) as rotate
                  from refresh_tokens t join refresh_families f on f.id = t.family_id
                 where t.token_hash = $1
                   for update of t),
                 added as (insert into refresh_tokens (token_hash, family_id) select $2, family_id from cur where rotate),
                 retired as (update refresh_tokens set retired_at = now(), successor_hash = $2, successor_box = $3
                              where token_hash = $1 and (select rotate from cur)),
                 renewed as (update refresh_families set last_used_at = now(), expires_at = now() + make_interval(secs => $5)
                              where id = (select family_id from cur where rotate) returning expires_at)
            select rotate, retired_at is not null as retired, coalesce(extract(epoch from (now() - retired_at)), 0) as retired_for,
                   successor_box, family_id::text as family_id, grant_id, client_id, user_id::text as user_id, scope, auth_time, dpop_jkt,
                   (extract(epoch from created_at) * 1000)::bigint as created_ms,
                   extract(epoch from coalesce((select expires_at from renewed), expires_at))::bigint as expires_at,
                   expires_at <= now() as expired, revoked_at is not null as revoked
              from cur""";

    private static final String FIND = """
            select t.retired_at is not null as retired, extract(epoch from t.created_at)::bigint as created_at,
                   f.id::text as family_id, f.grant_id, f.client_id, f.user_id::text as user_id, f.scope, f.auth_time, f.dpop_jkt,
                   (extract(epoch from f.created_at) * 1000)::bigint as created_ms,
                   extract(epoch from f.expires_at)::bigint as expires_at,
                   f.expires_at > now() and f.revoked_at is null as live
              from refresh_tokens t join refresh_families f on f.id = t.family_id
             where t.token_hash = $1""";

    private final Pool pool;
    private final RevocationList revocations;
    private final AuditLog audit;
    private final Duration ttl;

    private final AbuseRules abuse;

    RefreshTokens(Pool pool, RevocationList revocations, AuditLog audit, OAuthConfig config, AbuseRules abuse) {
        this.pool = pool;
        this.abuse = abuse;
        this.revocations = revocations;
        this.audit = audit;
        this.ttl = config.refreshTokenTtl();
    }

    /** A token of a family just issued or rotated. */
    public record Issued(RefreshFamily family, String refreshToken) {
    }

    /** What a token is, for introspection: its family, when it was issued, whether it still works. */
    public record Inspected(RefreshFamily family, long issuedAt, boolean active) {
    }

    private sealed interface Outcome {
        record Ok(Issued issued) implements Outcome {
        }

        /** @param family set when the grant's access tokens must be revoked too */
        record Refused(String reason, OAuthException error, RefreshFamily family) implements Outcome {
        }
    }

    /** A family just started, and its user's claims as read in the same statement. */
    public record Started(Issued issued, UserClaims user) {
    }

    /**
     * Starts a family for a grant and reads its user's claims (for the ID token) in the same
     * statement; fails with invalid_grant when the user no longer exists.
     *
     * @param dpopJkt the DPoP key every refresh of the family must prove (a public client's, RFC
     *        9449 §5), or null for an unbound family
     */
    public Uni<Started> startFamily(String grantId, String clientId, String userId, List<String> scopes, long authTime,
            String dpopJkt) {
        String familyId = UUID.randomUUID().toString();
        String token = Secrets.newSecret();
        // one statement: the family (only while its user exists), its first token, the user's claims
        return RefreshFamilies.start(pool, new RefreshFamilies.NewFamily(familyId, grantId, clientId, userId,
                        String.join(" ", scopes), authTime, ttl, token, false, dpopJkt))
                .map(rows -> {
                    if (rows.rowCount() == 0) {
                        throw OAuthException.invalidGrant(USER_GONE);
                    }
                    Row row = rows.iterator().next();
                    RefreshFamily family = new RefreshFamily(familyId, grantId, clientId, userId, scopes, authTime,
                            row.getLong("created_ms"), row.getLong("expires_at"), dpopJkt);
                    return new Started(new Issued(family, token), UserClaims.of(row));
                });
    }

    /**
     * Rotates a refresh token presented by this client: its successor, the same successor again
     * within the grace window, or invalid_grant (and a revoked family on reuse).
     *
     * @param requestedScopes the `scope` of the request, or null; refused with invalid_scope before
     *        anything rotates when it is not within the grant (RFC 6749 §6)
     * @param proofJkt the thumbprint of the request's DPoP proof key, or null without a proof; a
     *        bound family rotates only for a proof of its key
     */
    public Uni<Issued> rotate(String presented, ClientRecord client, Set<String> requestedScopes, String proofJkt) {
        String successor = Secrets.newSecret();
        Tuple args = Tuple.of(hash(presented), hash(successor), Buffer.buffer(seal(successor, presented)), client.clientId(),
                (double) ttl.toSeconds(), requestedScopes == null ? new String[0] : requestedScopes.toArray(String[]::new))
                .addValue(proofJkt);
        return pool.preparedQuery(ROTATE).execute(args).flatMap(rows -> {
            if (rows.rowCount() == 0) {
                return refused("unknown", "The refresh token is invalid", null);
            }
            Row row = rows.iterator().next();
            RefreshFamily family = family(row);
            if (row.getBoolean("rotate")) {
                // every revocation of a grant ends its families in PostgreSQL, so a live row is the whole answer
                return Uni.createFrom().item((Outcome) new Outcome.Ok(new Issued(family, successor)));
            }
            return refusedOrRetried(row, family, presented, client, requestedScopes, proofJkt);
        }).flatMap(outcome -> {
            if (outcome instanceof Outcome.Ok ok) {
                return Uni.createFrom().item(ok.issued());
            }
            Outcome.Refused refused = (Outcome.Refused) outcome;
            audit.recordFailure("refresh." + refused.reason(), client.clientId(),
                    refused.family() == null ? null : refused.family().userId(), Map.of());
            Uni<Void> revokeAccessTokens = refused.family() == null
                    ? Uni.createFrom().voidItem()
                    // only reuse names a family: the app hears that Keyfair ended the grant
                    : revocations.revokeGrant(refused.family().grantId(), refused.reason(), Initiator.POLICY,
                            "refresh token reuse detected");
            // repeated reuse is an abuse rule of its own: the client may be suspended (AbuseRules)
            Uni<Void> counted = REUSE.equals(refused.reason())
                    ? revokeAccessTokens.call(() -> abuse.reuseDetected(client.clientId()))
                    : revokeAccessTokens;
            return counted.flatMap(v -> Uni.createFrom().failure(refused.error()));
        });
    }

    /** Why a token that did not rotate was refused, or the same successor for a retry within the grace window. */
    private Uni<Outcome> refusedOrRetried(Row row, RefreshFamily family, String presented, ClientRecord client,
            Set<String> requestedScopes, String proofJkt) {
        // RFC 6749 §6: the refresh token must have been issued to the authenticated client
        if (!family.clientId().equals(client.clientId())) {
            return refused("other_client", "The refresh token was issued to another client", null);
        }
        // RFC 9449 §5: a bound refresh token is of use only with a proof of its key; without the
        // key it is no leak, so neither the retry nor the reuse rule below applies
        if (family.dpopJkt() != null && proofJkt == null) {
            return Uni.createFrom().item(new Outcome.Refused("dpop_proof_missing",
                    OAuthException.invalidDpopProof("The refresh token is bound to a DPoP key: a proof of that key is required"), null));
        }
        if (family.dpopJkt() != null && !family.dpopJkt().equals(proofJkt)) {
            return refused("dpop_key_mismatch", "The refresh token is bound to another DPoP key", null);
        }
        if (row.getBoolean("revoked")) {
            return refused("family_revoked", "The refresh token has been revoked", null);
        }
        if (row.getBoolean("expired")) {
            return refused("family_expired", "The refresh token has expired", null);
        }
        if (!row.getBoolean("retired")) {
            // live, so only the scope can have stopped it
            return Uni.createFrom().item(new Outcome.Refused("scope_widened",
                    OAuthException.invalidScope("The requested scope exceeds the scope of the grant"), null));
        }
        if (requestedScopes != null && !family.scopes().containsAll(requestedScopes)) {
            return Uni.createFrom().item(new Outcome.Refused("scope_widened",
                    OAuthException.invalidScope("The requested scope exceeds the scope of the grant"), null));
        }
        if (row.getDouble("retired_for") <= client.refreshGraceSeconds()) {
            // a retry of a refresh whose response the client lost: the same successor
            return Uni.createFrom().item(new Outcome.Ok(new Issued(family, open(row.getBuffer("successor_box").getBytes(), presented))));
        }
        // RFC 9700 §4.14.2: a retired token used again means it leaked; the whole grant dies (below)
        return refused(REUSE, "The refresh token was already used", family);
    }

    private static Uni<Outcome> refused(String reason, String description, RefreshFamily family) {
        return Uni.createFrom().item(new Outcome.Refused(reason, OAuthException.invalidGrant(description), family));
    }

    /** Revokes every family of a grant and its access tokens (a replayed authorization code); the app hears of it. */
    public Uni<Void> revokeGrant(String grantId, String reason, String reasonAdmin) {
        return revocations.revokeGrant(grantId, reason, Initiator.SYSTEM, reasonAdmin);
    }

    /** The family of a token, for introspection and revocation; empty when unknown. */
    public Uni<Optional<Inspected>> inspect(String presented) {
        if (presented == null || presented.length() > 256) {
            return Uni.createFrom().item(Optional.empty());
        }
        return pool.preparedQuery(FIND).execute(Tuple.of(hash(presented))).flatMap(rows -> {
            if (rows.rowCount() == 0) {
                return Uni.createFrom().item(Optional.<Inspected>empty());
            }
            Row row = rows.iterator().next();
            RefreshFamily family = family(row);
            // every revocation ends the families it covers in PostgreSQL: no other store to ask
            boolean live = row.getBoolean("live") && !row.getBoolean("retired");
            return Uni.createFrom().item(Optional.of(new Inspected(family, row.getLong("created_at"), live)));
        });
    }

    /** RFC 7009 §2.1: revoking a refresh token revokes its family and the grant's access tokens. */
    public Uni<Void> revokeFamily(RefreshFamily family, String reason) {
        return revocations.revokeGrant(family.grantId(), reason);
    }

    private static RefreshFamily family(Row row) {
        return new RefreshFamily(row.getString("family_id"), row.getString("grant_id"), row.getString("client_id"),
                row.getString("user_id"), new ArrayList<>(SpaceDelimited.parse(row.getString("scope"))),
                row.getLong("auth_time"), row.getLong("created_ms"), row.getLong("expires_at"), row.getString("dpop_jkt"));
    }

    private static Buffer hash(String token) {
        return RefreshFamilies.hash(token);
    }

    /** AES-256-GCM under a key derived from the retired token; only its holder can open it. */
    private static byte[] seal(String successor, String retired) {
        try {
            byte[] iv = new byte[12];
            RANDOM.nextBytes(iv);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, boxKey(retired), new GCMParameterSpec(128, iv));
            byte[] sealed = cipher.doFinal(successor.getBytes(StandardCharsets.US_ASCII));
            return ByteBuffer.allocate(iv.length + sealed.length).put(iv).put(sealed).array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String open(byte[] bytes, String retired) {
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, boxKey(retired), new GCMParameterSpec(128, bytes, 0, 12));
            return new String(cipher.doFinal(bytes, 12, bytes.length - 12), StandardCharsets.US_ASCII);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static SecretKeySpec boxKey(String retired) {
        return new SecretKeySpec(Secrets.sha256("keyfair:refresh-successor:" + retired), "AES");
    }
}
