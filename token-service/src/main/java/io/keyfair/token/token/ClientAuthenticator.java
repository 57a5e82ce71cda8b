package io.keyfair.token.token;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import io.keyfair.common.audit.AuditLog;
import io.keyfair.common.client.ClientDirectory;
import io.keyfair.common.client.ClientRecord;
import io.keyfair.common.error.OAuthException;
import io.smallrye.mutiny.Uni;

/**
 * Client authentication at the token, revocation and introspection endpoints (RFC 6749 §2.3):
 * `client_secret_basic`, `client_secret_post`, and `none` for public clients.
 */
@ApplicationScoped
public class ClientAuthenticator {

    private final ClientDirectory clients;
    private final AuditLog audit;

    ClientAuthenticator(ClientDirectory clients, AuditLog audit) {
        this.clients = clients;
        this.audit = audit;
    }

    /** Longer ids are never looked up (registered ids are 32 characters). */
    private static final int MAX_CLIENT_ID_LENGTH = 64;

    private record Credentials(String clientId, String secret, boolean basic) {
    }

    public Uni<AuthenticatedClient> authenticate(TokenRequest request) {
        Credentials credentials = credentials(request);
        if (credentials.clientId().length() > MAX_CLIENT_ID_LENGTH) {
            return Uni.createFrom().failure(OAuthException.invalidClient("Client authentication failed", credentials.basic()));
        }
        return clients.find(credentials.clientId()).map(found -> check(credentials, found));
    }

    private AuthenticatedClient check(Credentials credentials, Optional<ClientRecord> found) {
        if (found.isEmpty()) {
            throw fail(credentials, "unknown_client", "Client authentication failed");
        }
        ClientRecord client = found.get();
        boolean confidential;
        if (client.isPublic()) {
            // a public client has no secret; presenting one is a misconfigured or forged request
            if (credentials.secret() != null) {
                throw fail(credentials, "secret_for_public_client", "Client authentication failed");
            }
            confidential = false;
        } else {
            if (credentials.secret() == null) {
                throw fail(credentials, "missing_secret", "Client authentication failed");
            }
            if (!client.secretMatches(credentials.secret())) {
                throw fail(credentials, "invalid_secret", "Client authentication failed");
            }
            confidential = true;
        }
        // CONTRACT: pending, rejected and suspended clients get invalid_client
        if (!client.isApproved()) {
            throw fail(credentials, "client_" + client.status().value(), "The client is not approved");
        }
        return new AuthenticatedClient(client, confidential);
    }

    private OAuthException fail(Credentials credentials, String reason, String description) {
        audit.recordFailure("client_auth.failed", credentials.clientId(), null, Map.of("reason", reason));
        return OAuthException.invalidClient(description, credentials.basic());
    }

    /** Reads the credentials; RFC 6749 §2.3: exactly one authentication method per request. */
    private static Credentials credentials(TokenRequest request) {
        Optional<String> bodyId = request.get("client_id");
        Optional<String> bodySecret = request.get("client_secret");
        String header = request.authorization();
        if (header != null && header.regionMatches(true, 0, "Basic ", 0, 6)) {
            if (bodySecret.isPresent()) {
                throw OAuthException.invalidRequest("Use one client authentication method, not both Basic and client_secret");
            }
            Credentials basic = decodeBasic(header.substring(6).trim());
            if (bodyId.isPresent() && !bodyId.get().equals(basic.clientId())) {
                throw OAuthException.invalidRequest("client_id does not match the authenticated client");
            }
            return basic;
        }
        if (bodyId.isEmpty()) {
            throw OAuthException.invalidClient("Client authentication is required", false);
        }
        return new Credentials(bodyId.get(), bodySecret.orElse(null), false);
    }

    /** RFC 6749 §2.3.1: id and secret are form-urlencoded before Base64. */
    private static Credentials decodeBasic(String encoded) {
        try {
            String decoded = new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            if (colon <= 0) {
                throw OAuthException.invalidClient("Malformed Basic credentials", true);
            }
            String id = URLDecoder.decode(decoded.substring(0, colon), StandardCharsets.UTF_8);
            String secret = URLDecoder.decode(decoded.substring(colon + 1), StandardCharsets.UTF_8);
            return new Credentials(id, secret.isEmpty() ? null : secret, true);
        } catch (IllegalArgumentException e) {
            throw OAuthException.invalidClient("Malformed Basic credentials", true);
        }
    }
}
