package io.keyfair.registry.client;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.keyfair.common.client.ClientStatus;
import io.keyfair.common.error.OAuthException;
import io.keyfair.common.scope.SpaceDelimited;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The `clients` and `client_secrets` tables, which only the registry writes. Reads that stand
 * alone use the pool; everything else takes the connection of the caller's transaction, so the
 * resource decides what commits together. Lists are stored space separated; secrets only as
 * their SHA-256.
 */
@ApplicationScoped
public class Clients {

    /**
     * What a client id can look like: 32 hex digits when registered here, up to 32 letters,
     * digits, `-` or `_` for the bootstrap admin client. Anything else is not looked up.
     */
    private static final Pattern CLIENT_ID = Pattern.compile("^[A-Za-z0-9_-]{1,32}$");

    /** The id and the metadata columns, in the order of {@link #metadata}'s values ($1 is the id). */
    private static final List<String> METADATA_COLUMN_LIST = List.of(
            "client_id", "client_name", "logo_uri", "redirect_uris", "tos_uri", "policy_uri", "grant_types", "scope",
            "token_endpoint_auth_method", "events_uri", "refresh_grace_seconds", "introspection_allowed",
            "id_token_signed_response_alg", "app_type", "owner_user_id", "trusted", "frame_ancestors", "access_token_ttl",
            "reason", "post_logout_redirect_uris", "rate_limit_client_credentials", "rate_limit_other",
            "allowed_cors_origins", "id_token_scope_claims", "jwks", "jwks_uri", "require_pushed_authorization_requests",
            "dpop_bound_access_tokens");

    private static final String METADATA_COLUMNS = String.join(", ", METADATA_COLUMN_LIST);

    /** How many values {@link #metadata} binds: the id and the metadata. */
    private static final int METADATA_VALUES = METADATA_COLUMN_LIST.size();

    private static final String COLUMNS = METADATA_COLUMNS + ", status, status_reason, suspended_by, suspended_reason, created_at, updated_at";

    /** `column = $n` for every metadata column ($1, the id, is the row's key). */
    private static final String METADATA = IntStream.range(1, METADATA_VALUES)
            .mapToObj(i -> METADATA_COLUMN_LIST.get(i) + " = $" + (i + 1))
            .collect(Collectors.joining(", "));

    /** $1 … $n of the metadata, then the status ($n+1) and the time (created and updated, $n+2). */
    private static final String INSERT_VALUES = IntStream.rangeClosed(1, METADATA_VALUES + 2)
            .mapToObj(i -> "$" + i).collect(Collectors.joining(", ")) + ", $" + (METADATA_VALUES + 2);

    private static final String FIND = "select " + COLUMNS + " from clients where client_id = $1";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Pool pool;

    Clients(Pool pool) {
        this.pool = pool;
    }

    /** The client, or a 404 `not_found` failure. */
    public Uni<ClientView> require(String clientId) {
        return require(pool, FIND, clientId);
    }

    /** The client locked for update until the transaction ends, or a 404 `not_found` failure. */
    public Uni<ClientView> requireForUpdate(SqlConnection tx, String clientId) {
        return require(tx, FIND + " for update", clientId);
    }

    private static Uni<ClientView> require(SqlClient sql, String query, String clientId) {
        if (!CLIENT_ID.matcher(clientId).matches()) {
            return Uni.createFrom().failure(notFound());
        }
        return sql.preparedQuery(query).execute(Tuple.of(clientId)).map(rows -> {
            if (rows.size() == 0) {
                throw notFound();
            }
            return view(rows.iterator().next());
        });
    }

    /** Newest first, from {@code offset}, at most {@code limit}; of one status when it is not null. */
    public Uni<List<ClientView>> list(String status, int offset, int limit) {
        String order = " order by created_at desc, client_id desc limit $1 offset $2";
        Uni<RowSet<Row>> rows = status == null
                ? pool.preparedQuery("select " + COLUMNS + " from clients" + order).execute(Tuple.of(limit, offset))
                : pool.preparedQuery("select " + COLUMNS + " from clients where status = $3" + order)
                        .execute(Tuple.of(limit, offset, status));
        return rows.map(found -> {
            List<ClientView> clients = new ArrayList<>(found.size());
            for (Row row : found) {
                clients.add(view(row));
            }
            return clients;
        });
    }

    /** A new client; {@code secretHash} is null for a public client. */
    public Uni<ClientView> insert(SqlConnection tx, String clientId, ClientMetadata metadata, ClientStatus status,
            byte[] secretHash, Instant now) {
        Tuple args = metadata(clientId, metadata).addValue(status.value()).addValue(time(now));
        return tx.preparedQuery("insert into clients (" + METADATA_COLUMNS + ", status, created_at, updated_at) values ("
                        + INSERT_VALUES + ") returning " + COLUMNS)
                .execute(args)
                .call(() -> secretHash == null ? Uni.createFrom().voidItem() : addSecret(tx, clientId, secretHash, now))
                .map(Clients::stored);
    }

    /** Replaces the metadata of a client read by {@link #requireForUpdate}. */
    public Uni<ClientView> updateMetadata(SqlConnection tx, ClientView client, ClientMetadata metadata, Instant now) {
        return tx.preparedQuery("update clients set " + METADATA + ", updated_at = $" + (METADATA_VALUES + 1) + " where client_id = $1 returning " + COLUMNS)
                .execute(metadata(client.clientId(), metadata).addValue(time(now)))
                .map(Clients::stored);
    }

    /**
     * Moves a client read by {@link #requireForUpdate} to {@code status}, with the admin's
     * {@code note} (or none) kept as its `status_note`. An admin's suspension is `suspended_by`
     * `admin` with the note as `suspended_reason`; an approval clears the note and both (it
     * reinstates a client the policy suspended).
     */
    public Uni<ClientView> updateStatus(SqlConnection tx, ClientView client, ClientStatus status, String note, Instant now) {
        return tx.preparedQuery("""
                        update clients set status = $2::varchar, updated_at = $4,
                               status_reason = case when $2::varchar = 'approved' then null else $3 end,
                               suspended_by = case when $2::varchar = 'suspended' then 'admin' end,
                               suspended_reason = case when $2::varchar = 'suspended' then $3 end
                         where client_id = $1 returning\s""" + COLUMNS)
                .execute(Tuple.of(client.clientId(), status.value(), note, time(now)))
                .map(Clients::stored);
    }

    /** Deletes the client; its secrets, consents and families go with it (`on delete cascade`). */
    public Uni<Void> delete(SqlConnection tx, String clientId) {
        return tx.preparedQuery("delete from clients where client_id = $1").execute(Tuple.of(clientId)).replaceWithVoid();
    }

    /**
     * Makes {@code secretHash} the current secret. The previous current secret keeps working
     * until {@code previousExpiresAt}, or stops at once when that is null; an older one still in
     * its overlap window is removed, so only one previous secret overlaps.
     */
    public Uni<Void> rotateSecret(SqlConnection tx, String clientId, byte[] secretHash, Instant previousExpiresAt, Instant now) {
        return tx.preparedQuery("update clients set updated_at = $2 where client_id = $1").execute(Tuple.of(clientId, time(now)))
                .call(() -> tx.preparedQuery("delete from client_secrets where client_id = $1 and expires_at is not null")
                        .execute(Tuple.of(clientId)))
                .call(() -> previousExpiresAt == null
                        ? tx.preparedQuery("delete from client_secrets where client_id = $1").execute(Tuple.of(clientId))
                        : tx.preparedQuery("update client_secrets set expires_at = $2 where client_id = $1 and expires_at is null")
                                .execute(Tuple.of(clientId, time(previousExpiresAt))))
                .call(() -> addSecret(tx, clientId, secretHash, now))
                .replaceWithVoid();
    }

    private static Uni<Void> addSecret(SqlConnection tx, String clientId, byte[] secretHash, Instant now) {
        return tx.preparedQuery("insert into client_secrets (client_id, secret_hash, created_at) values ($1, $2, $3)")
                .execute(Tuple.of(clientId, Buffer.buffer(secretHash), time(now)))
                .replaceWithVoid();
    }

    /** $1 … $n: the id and the metadata, as {@link #METADATA_COLUMN_LIST} orders them; no value holds a space, so lists join with one. */
    private static Tuple metadata(String clientId, ClientMetadata m) {
        return Tuple.tuple()
                .addValue(clientId)
                .addValue(m.clientName())
                .addValue(m.logoUri())
                .addValue(String.join(" ", m.redirectUris()))
                .addValue(m.tosUri())
                .addValue(m.policyUri())
                .addValue(String.join(" ", m.grantTypes()))
                .addValue(m.scope())
                .addValue(m.tokenEndpointAuthMethod())
                .addValue(m.eventsUri())
                .addValue(m.refreshGraceSeconds())
                .addValue(m.introspectionAllowed())
                .addValue(m.idTokenSignedResponseAlg())
                .addValue(m.appType())
                .addValue(m.ownerUserId())
                .addValue(m.trusted())
                .addValue(String.join(" ", m.frameAncestors()))
                .addValue(m.accessTokenTtl())
                .addValue(m.reason())
                .addValue(String.join(" ", m.postLogoutRedirectUris()))
                .addValue(m.rateLimits() == null ? null : m.rateLimits().clientCredentials())
                .addValue(m.rateLimits() == null ? null : m.rateLimits().other())
                .addValue(String.join(" ", m.allowedCorsOrigins()))
                .addValue(m.idTokenScopeClaims())
                .addValue(m.jwks() == null ? null : m.jwks().toString())
                .addValue(m.jwksUri())
                .addValue(m.requirePushedAuthorizationRequests())
                .addValue(m.dpopBoundAccessTokens());
    }

    /** The row a write returned: the client as it is now stored. */
    private static ClientView stored(RowSet<Row> rows) {
        return view(rows.iterator().next());
    }

    private static ClientView view(Row r) {
        ClientMetadata metadata = new ClientMetadata(r.getString("client_name"), r.getString("logo_uri"),
                list(r.getString("redirect_uris")), r.getString("tos_uri"), r.getString("policy_uri"),
                list(r.getString("grant_types")), r.getString("scope"), r.getString("token_endpoint_auth_method"),
                r.getString("events_uri"), r.getInteger("refresh_grace_seconds"), r.getBoolean("introspection_allowed"),
                r.getString("id_token_signed_response_alg"), r.getString("app_type"), r.getUUID("owner_user_id"),
                r.getBoolean("trusted"), list(r.getString("frame_ancestors")), r.getInteger("access_token_ttl"),
                r.getString("reason"), list(r.getString("post_logout_redirect_uris")),
                rateLimits(r.getInteger("rate_limit_client_credentials"), r.getInteger("rate_limit_other")),
                list(r.getString("allowed_cors_origins")), r.getBoolean("id_token_scope_claims"),
                jwks(r.getString("jwks")), r.getString("jwks_uri"),
                r.getBoolean("require_pushed_authorization_requests"),
                r.getBoolean("dpop_bound_access_tokens"));
        String status = r.getString("status");
        boolean suspended = ClientStatus.SUSPENDED.value().equals(status);
        return new ClientView(r.getString("client_id"), metadata, status, r.getString("status_reason"),
                suspended ? r.getString("suspended_reason") : null, suspended ? r.getString("suspended_by") : null,
                r.getOffsetDateTime("created_at").toEpochSecond(), r.getOffsetDateTime("updated_at").toEpochSecond());
    }

    private static ClientMetadata.RateLimits rateLimits(Integer clientCredentials, Integer other) {
        return clientCredentials == null && other == null ? null : new ClientMetadata.RateLimits(clientCredentials, other);
    }

    private static ObjectNode jwks(String stored) {
        if (stored == null) {
            return null;
        }
        try {
            return (ObjectNode) JSON.readTree(stored);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored jwks is not JSON", e);
        }
    }

    private static List<String> list(String spaceSeparated) {
        return List.copyOf(SpaceDelimited.parse(spaceSeparated));
    }

    private static OffsetDateTime time(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }

    private static OAuthException notFound() {
        return OAuthException.notFound("No client with this client_id");
    }
}
