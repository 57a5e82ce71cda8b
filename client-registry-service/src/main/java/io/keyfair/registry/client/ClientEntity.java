package io.keyfair.registry.client;

import java.time.Instant;
import java.util.UUID;
import java.util.regex.Pattern;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.LockModeType;
import jakarta.persistence.Table;

import io.keyfair.common.error.OAuthException;
import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import io.smallrye.mutiny.Uni;

/**
 * A row of `clients`. Persistence only: requests and responses use {@link ClientMetadata} and
 * {@link ClientView}. Lists are space separated, as the schema stores them.
 */
@Entity
@Table(name = "clients")
public class ClientEntity extends PanacheEntityBase {

    @Id
    @Column(name = "client_id")
    public String clientId;

    @Column(name = "client_name")
    public String clientName;

    @Column(name = "logo_uri")
    public String logoUri;

    @Column(name = "tos_uri")
    public String tosUri;

    @Column(name = "policy_uri")
    public String policyUri;

    @Column(name = "redirect_uris")
    public String redirectUris;

    @Column(name = "post_logout_redirect_uris")
    public String postLogoutRedirectUris;

    @Column(name = "grant_types")
    public String grantTypes;

    @Column(name = "scope")
    public String scope;

    @Column(name = "token_endpoint_auth_method")
    public String tokenEndpointAuthMethod;

    @Column(name = "events_uri")
    public String eventsUri;

    @Column(name = "refresh_grace_seconds")
    public int refreshGraceSeconds;

    @Column(name = "introspection_allowed")
    public boolean introspectionAllowed;

    @Column(name = "id_token_signed_response_alg")
    public String idTokenSignedResponseAlg;

    @Column(name = "app_type")
    public String appType;

    @Column(name = "owner_user_id")
    public UUID ownerUserId;

    @Column(name = "trusted")
    public boolean trusted;

    @Column(name = "frame_ancestors")
    public String frameAncestors;

    @Column(name = "access_token_ttl")
    public Integer accessTokenTtl;

    @Column(name = "reason")
    public String reason;

    @Column(name = "status")
    public String status;

    @Column(name = "status_reason")
    public String statusReason;

    @Column(name = "created_at")
    public Instant createdAt;

    @Column(name = "updated_at")
    public Instant updatedAt;

    /**
     * What a client id can look like: 32 hex digits when registered here, up to 32 letters,
     * digits, `-` or `_` for the bootstrap admin client. Anything else is not looked up.
     */
    private static final Pattern CLIENT_ID = Pattern.compile("^[A-Za-z0-9_-]{1,32}$");

    /** The client, or a 404 `not_found` failure. */
    public static Uni<ClientEntity> require(String clientId) {
        if (!CLIENT_ID.matcher(clientId).matches()) {
            return Uni.createFrom().failure(notFound());
        }
        return ClientEntity.<ClientEntity>findById(clientId).map(ClientEntity::orNotFound);
    }

    /** The client locked for update until the transaction ends, or a 404 `not_found` failure. */
    public static Uni<ClientEntity> requireForUpdate(String clientId) {
        if (!CLIENT_ID.matcher(clientId).matches()) {
            return Uni.createFrom().failure(notFound());
        }
        return ClientEntity.<ClientEntity>findById(clientId, LockModeType.PESSIMISTIC_WRITE).map(ClientEntity::orNotFound);
    }

    private static ClientEntity orNotFound(ClientEntity found) {
        if (found == null) {
            throw notFound();
        }
        return found;
    }

    private static OAuthException notFound() {
        return OAuthException.notFound("No client with this client_id");
    }
}
