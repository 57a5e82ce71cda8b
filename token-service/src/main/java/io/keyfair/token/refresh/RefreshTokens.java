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
import io.keyfair.common.client.ClientDirectory;
import io.keyfair.common.client.ClientRecord;
import io.keyfair.common.config.OAuthConfig;
import io.keyfair.common.error.OAuthException;
import io.keyfair.common.secret.Secrets;
import io.keyfair.common.token.RevocationList;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
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

    private static final SecureRandom RANDOM = new SecureRandom();

    private static final String LOCK = """
            select t.retired_at is not null as retired,
                   coalesce(extract(epoch from (now() - t.retired_at)), 0) as retired_for,
                   t.successor_box, f.id::text as family_id, f.grant_id, f.client_id, f.user_id::text as user_id, f.scope,
                   f.auth_time, (extract(epoch from f.created_at) * 1000)::bigint as created_ms,
                   extract(epoch from f.expires_at)::bigint as expires_at, f.expires_at <= now() as expired,
                   f.revoked_at is not null as revoked
              from refresh_tokens t join refresh_families f on f.id = t.family_id
             where t.token_hash = $1
               for update of t""";

    private static final String FIND = """
            select t.retired_at is not null as retired, extract(epoch from t.created_at)::bigint as created_at,
                   f.id::text as family_id, f.grant_id, f.client_id, f.user_id::text as user_id, f.scope, f.auth_time,
                   (extract(epoch from f.created_at) * 1000)::bigint as created_ms,
                   extract(epoch from f.expires_at)::bigint as expires_at,
                   f.expires_at > now() and f.revoked_at is null as live
              from refresh_tokens t join refresh_families f on f.id = t.family_id
             where t.token_hash = $1""";

    private final Pool pool;
    private final RevocationList revocations;
    private final AuditLog audit;
    private final Duration ttl;

    RefreshTokens(Pool pool, RevocationList revocations, AuditLog audit, OAuthConfig config) {
        this.pool = pool;
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

    /** Starts a family for a grant; fails with invalid_grant when the user no longer exists. */
    public Uni<Issued> startFamily(String grantId, String clientId, String userId, List<String> scopes, long authTime) {
        String familyId = UUID.randomUUID().toString();
        String token = Secrets.newSecret();
        // one statement: the family (only while its user exists) and its first token
        return pool.preparedQuery("""
                with family as (
                    insert into refresh_families (id, grant_id, client_id, user_id, scope, auth_time, expires_at)
                    select $1::uuid, $2, $3, u.id, $5, $6, now() + make_interval(secs => $7)
                      from users u where u.id = $4::uuid
                    returning id, created_at, expires_at),
                     first as (insert into refresh_tokens (token_hash, family_id) select $8, id from family)
                select (extract(epoch from created_at) * 1000)::bigint as created_ms,
                       extract(epoch from expires_at)::bigint as expires_at
                  from family""")
                .execute(Tuple.tuple().addValue(familyId).addValue(grantId).addValue(clientId).addValue(userId)
                        .addValue(String.join(" ", scopes)).addValue(authTime).addValue((double) ttl.toSeconds())
                        .addValue(hash(token)))
                .map(rows -> {
                    if (rows.rowCount() == 0) {
                        throw OAuthException.invalidGrant("The user of this grant no longer exists");
                    }
                    Row row = rows.iterator().next();
                    RefreshFamily family = new RefreshFamily(familyId, grantId, clientId, userId, scopes, authTime,
                            row.getLong("created_ms"), row.getLong("expires_at"));
                    return new Issued(family, token);
                });
    }

    /**
     * Rotates a refresh token presented by this client: its successor, the same successor again
     * within the grace window, or invalid_grant (and a revoked family on reuse).
     *
     * @param requestedScopes the `scope` of the request, or null; refused with invalid_scope before
     *        anything rotates when it is not within the grant (RFC 6749 §6)
     */
    public Uni<Issued> rotate(String presented, ClientRecord client, Set<String> requestedScopes) {
        return pool.withTransaction(tx -> tx.preparedQuery(LOCK).execute(Tuple.of(hash(presented))).flatMap(rows -> {
            if (rows.rowCount() == 0) {
                return refused("unknown", "The refresh token is invalid", null);
            }
            Row row = rows.iterator().next();
            RefreshFamily family = family(row);
            // RFC 6749 §6: the refresh token must have been issued to the authenticated client
            if (!family.clientId().equals(client.clientId())) {
                return refused("other_client", "The refresh token was issued to another client", null);
            }
            if (row.getBoolean("revoked")) {
                return refused("family_revoked", "The refresh token has been revoked", null);
            }
            if (row.getBoolean("expired")) {
                return refused("family_expired", "The refresh token has expired", null);
            }
            if (requestedScopes != null && !family.scopes().containsAll(requestedScopes)) {
                return Uni.createFrom().item((Outcome) new Outcome.Refused("scope_widened",
                        OAuthException.invalidScope("The requested scope exceeds the scope of the grant"), null));
            }
            return revocations.isGrantRevoked(family.grantId(), family.clientId(), family.userId(), family.createdAtMillis())
                    .flatMap(grantRevoked -> {
                        if (grantRevoked) {
                            return revokeFamily(tx, family, "connection_revoked")
                                    .flatMap(v -> refused("grant_revoked", "The refresh token has been revoked", null));
                        }
                        if (!row.getBoolean("retired")) {
                            return successor(tx, presented, family);
                        }
                        if (row.getDouble("retired_for") <= client.refreshGraceSeconds()) {
                            // a retry of a refresh whose response the client lost: the same successor
                            String successor = open(row.getBuffer("successor_box").getBytes(), presented);
                            return Uni.createFrom().item((Outcome) new Outcome.Ok(new Issued(family, successor)));
                        }
                        // RFC 9700 §4.14.2: a retired token used again means it leaked; kill the family
                        return revokeFamily(tx, family, "reuse")
                                .flatMap(v -> refused("reuse", "The refresh token was already used", family));
                    });
        })).flatMap(outcome -> {
            if (outcome instanceof Outcome.Ok ok) {
                return Uni.createFrom().item(ok.issued());
            }
            Outcome.Refused refused = (Outcome.Refused) outcome;
            audit.recordFailure("refresh." + refused.reason(), client.clientId(),
                    refused.family() == null ? null : refused.family().userId(), Map.of());
            Uni<Void> revokeAccessTokens = refused.family() == null
                    ? Uni.createFrom().voidItem()
                    : revocations.revokeGrant(refused.family().grantId());
            return revokeAccessTokens.flatMap(v -> Uni.createFrom().failure(refused.error()));
        });
    }

    private Uni<Outcome> successor(SqlConnection tx, String presented, RefreshFamily family) {
        String successor = Secrets.newSecret();
        // one round trip: add the successor, retire the presented token, renew the family
        return tx.preparedQuery("""
                with added as (insert into refresh_tokens (token_hash, family_id) values ($2, $4::uuid)),
                     retired as (update refresh_tokens set retired_at = now(), successor_hash = $2, successor_box = $3
                                  where token_hash = $1)
                update refresh_families set last_used_at = now(), expires_at = now() + make_interval(secs => $5)
                 where id = $4::uuid returning extract(epoch from expires_at)::bigint as expires_at""")
                .execute(Tuple.of(hash(presented), hash(successor), Buffer.buffer(seal(successor, presented)), family.id(),
                        (double) ttl.toSeconds()))
                .map(rows -> {
                    long expiresAt = rows.iterator().next().getLong("expires_at");
                    RefreshFamily renewed = new RefreshFamily(family.id(), family.grantId(), family.clientId(), family.userId(),
                            family.scopes(), family.authTime(), family.createdAtMillis(), expiresAt);
                    return new Outcome.Ok(new Issued(renewed, successor));
                });
    }

    private static Uni<Outcome> refused(String reason, String description, RefreshFamily family) {
        return Uni.createFrom().item(new Outcome.Refused(reason, OAuthException.invalidGrant(description), family));
    }

    private static Uni<Void> revokeFamily(SqlConnection tx, RefreshFamily family, String reason) {
        return tx.preparedQuery("update refresh_families set revoked_at = now(), revoked_reason = $2 where id = $1::uuid and revoked_at is null")
                .execute(Tuple.of(family.id(), reason)).replaceWithVoid();
    }

    /** Revokes every family of a grant (a replayed authorization code). */
    public Uni<Void> revokeGrant(String grantId, String reason) {
        return pool.preparedQuery("update refresh_families set revoked_at = now(), revoked_reason = $2 where grant_id = $1 and revoked_at is null")
                .execute(Tuple.of(grantId, reason))
                .flatMap(r -> revocations.revokeGrant(grantId));
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
            boolean live = row.getBoolean("live") && !row.getBoolean("retired");
            if (!live) {
                return Uni.createFrom().item(Optional.of(new Inspected(family, row.getLong("created_at"), false)));
            }
            return revocations.isGrantRevoked(family.grantId(), family.clientId(), family.userId(), family.createdAtMillis())
                    .map(revoked -> Optional.of(new Inspected(family, row.getLong("created_at"), !revoked)));
        });
    }

    /** RFC 7009 §2.1: revoking a refresh token revokes its family and the grant's access tokens. */
    public Uni<Void> revokeFamily(RefreshFamily family, String reason) {
        return pool.preparedQuery("update refresh_families set revoked_at = now(), revoked_reason = $2 where id = $1::uuid and revoked_at is null")
                .execute(Tuple.of(family.id(), reason))
                .flatMap(r -> revocations.revokeGrant(family.grantId()));
    }

    private static RefreshFamily family(Row row) {
        return new RefreshFamily(row.getString("family_id"), row.getString("grant_id"), row.getString("client_id"),
                row.getString("user_id"), new ArrayList<>(ClientDirectory.words(row.getString("scope"))),
                row.getLong("auth_time"), row.getLong("created_ms"), row.getLong("expires_at"));
    }

    private static Buffer hash(String token) {
        return Buffer.buffer(Secrets.sha256(token));
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
