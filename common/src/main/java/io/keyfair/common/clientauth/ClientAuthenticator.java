package io.keyfair.common.clientauth;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import io.keyfair.common.audit.AuditLog;
import io.keyfair.common.client.ClientDirectory;
import io.keyfair.common.client.ClientRecord;
import io.keyfair.common.error.OAuthException;
import io.keyfair.common.clientauth.ClientAuthThrottle.Counted;
import io.smallrye.mutiny.Uni;

/**
 * Client authentication at the token, revocation and introspection endpoints of token-service and
 * the PAR endpoint of authorize-service (RFC 6749 §2.3, RFC 9126 §2) in
 * fixed steps: read the credentials, refuse an id no client can have, then check the client's
 * registered `token_endpoint_auth_method`, its secret and its status. Every failure is counted per
 * client id and address ({@link ClientAuthThrottle}); past the limit the answer is 429. Only
 * failures touch Redis: a client presenting its right credentials is never slowed by the throttle
 * (its secret is 256 random bits, so a right guess is not a risk the throttle has to stop), which
 * keeps the token endpoint free of a Redis round trip (request limits count in memory,
 * token-service's `limit/RequestLimits`). The client is told only
 * "Client authentication failed"; the precise reason is the exception's private detail and the
 * audit event's `reason`, and is audited once per window (its first failure and the moment the
 * throttle trips), so wrong secrets cannot fill the audit table.
 */
@ApplicationScoped
public class ClientAuthenticator {

    /** Registered ids are 32 characters: longer ones are never looked up, counted or audited. */
    static final int MAX_CLIENT_ID_LENGTH = 32;

    static final String FAILED = "Client authentication failed";

    static final String CLIENT_SECRET_BASIC = "client_secret_basic";
    static final String CLIENT_SECRET_POST = "client_secret_post";
    static final String PRIVATE_KEY_JWT = "private_key_jwt";

    private final ClientDirectory clients;
    private final ClientAuthThrottle throttle;
    private final AuditLog audit;
    private final Clock clock;

    ClientAuthenticator(ClientDirectory clients, ClientAuthThrottle throttle, AuditLog audit, Clock clock) {
        this.clients = clients;
        this.throttle = throttle;
        this.audit = audit;
        this.clock = clock;
    }

    /** @param basic whether the credentials came in an `Authorization: Basic` header */
    private record Credentials(String clientId, String secret, boolean basic) {

        /** The method these credentials use, in `token_endpoint_auth_method` terms. */
        String method() {
            return basic ? CLIENT_SECRET_BASIC : secret != null ? CLIENT_SECRET_POST : ClientRecord.AUTH_NONE;
        }
    }

    /** What checking the credentials against the registered client gave. */
    private sealed interface Outcome {
    }

    private record Authenticated(AuthenticatedClient client) implements Outcome {
    }

    /**
     * @param reason the audit event's `reason`: a fixed word, never a request value
     * @param detail the private detail of the error, for logs
     */
    private record Refused(String reason, String detail) implements Outcome {
    }

    public Uni<AuthenticatedClient> authenticate(ClientRequest request) {
        Credentials credentials = credentials(request);
        if (credentials.clientId().length() > MAX_CLIENT_ID_LENGTH) {
            throw OAuthException.invalidClient(FAILED, credentials.basic()).withDetail("client id longer than 32 characters");
        }
        String address = request.clientAddress();
        return clients.find(credentials.clientId())
                .map(found -> check(credentials, found))
                .flatMap(outcome -> settle(credentials, address, outcome));
    }

    private Uni<AuthenticatedClient> settle(Credentials credentials, String address, Outcome outcome) {
        if (outcome instanceof Authenticated authenticated) {
            // successful authentications do not count
            return Uni.createFrom().item(authenticated.client());
        }
        Refused refused = (Refused) outcome;
        return throttle.recordFailure(credentials.clientId(), address).map(counted -> {
            if (throttle.overLimit(counted)) {
                throw throttled(credentials, address, refused, counted);
            }
            if (counted.failures() == 1) {
                // the first failure of a window is audited; the rest of the window only counts
                audit.recordFailure("client_auth.failed", credentials.clientId(), null,
                        Map.of("reason", refused.reason(), "address", address));
            }
            throw OAuthException.invalidClient(FAILED, credentials.basic()).withDetail(refused.detail());
        });
    }

    private OAuthException throttled(Credentials credentials, String address, Refused refused, Counted counted) {
        if (counted.failures() == throttle.trippingCount()) {
            // exactly one request sees the count that trips the throttle, on every replica
            audit.recordFailure("client_auth.throttled", credentials.clientId(), null,
                    Map.of("reason", refused.reason(), "address", address, "retry_after_seconds",
                            counted.windowLeft().toSeconds()));
        }
        return OAuthException.rateLimited(counted.windowLeft())
                .withDetail("client authentication throttled: " + refused.detail());
    }

    /** The registered client's checklist, in order; the first failed check is the reason. */
    private Outcome check(Credentials credentials, Optional<ClientRecord> found) {
        if (found.isEmpty()) {
            return new Refused("unknown_client", "unknown client");
        }
        ClientRecord client = found.get();
        String registered = client.tokenEndpointAuthMethod();
        if (PRIVATE_KEY_JWT.equals(registered)) {
            // RFC 7523 client assertions are not implemented yet: such a client cannot authenticate
            return new Refused("auth_method_unsupported", "private_key_jwt is not supported yet");
        }
        // RFC 7591 §2: the client authenticates with the method it registered, and no other
        if (!credentials.method().equals(registered)) {
            return new Refused("auth_method_mismatch",
                    "registered " + registered + ", used " + credentials.method());
        }
        boolean confidential = !client.isPublic();
        if (confidential && credentials.secret() == null) {
            return new Refused("missing_secret", "no client secret");
        }
        if (confidential && !client.secretMatches(credentials.secret(), clock.instant())) {
            return new Refused("invalid_secret", "wrong client secret");
        }
        // CONTRACT: pending, rejected and suspended clients get invalid_client
        if (!client.isApproved()) {
            return new Refused("client_" + client.status().value(), "client " + client.status().value());
        }
        return new Authenticated(new AuthenticatedClient(client, confidential));
    }

    /** Reads the credentials; RFC 6749 §2.3: exactly one authentication method per request. */
    private static Credentials credentials(ClientRequest request) {
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
                throw OAuthException.invalidClient(FAILED, true).withDetail("malformed Basic credentials: no client id");
            }
            String id = URLDecoder.decode(decoded.substring(0, colon), StandardCharsets.UTF_8);
            String secret = URLDecoder.decode(decoded.substring(colon + 1), StandardCharsets.UTF_8);
            return new Credentials(id, secret.isEmpty() ? null : secret, true);
        } catch (IllegalArgumentException e) {
            throw OAuthException.invalidClient(FAILED, true).withDetail("malformed Basic credentials");
        }
    }
}
