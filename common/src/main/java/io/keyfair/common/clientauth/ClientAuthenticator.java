package io.keyfair.common.clientauth;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Clock;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import com.nimbusds.jwt.SignedJWT;

import io.keyfair.common.audit.AuditLog;
import io.keyfair.common.client.ClientDirectory;
import io.keyfair.common.client.ClientRecord;
import io.keyfair.common.clientauth.ClientAuthThrottle.Counted;
import io.keyfair.common.cors.CorsClient;
import io.keyfair.common.error.OAuthException;
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
 * token-service's `limit/RequestLimits`). A `private_key_jwt` client (RFC 7523) proves itself
 * with an assertion signed by one of its registered keys instead ({@link ClientAssertions}); its
 * single-use `jti` is the one Redis step of a successful authentication. The client is told only
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
    private final ClientAssertions assertions;
    private final AuditLog audit;
    private final Clock clock;

    ClientAuthenticator(ClientDirectory clients, ClientAuthThrottle throttle, ClientAssertions assertions, AuditLog audit,
            Clock clock) {
        this.clients = clients;
        this.throttle = throttle;
        this.assertions = assertions;
        this.audit = audit;
        this.clock = clock;
    }

    /**
     * @param basic whether the credentials came in an `Authorization: Basic` header
     * @param assertion a `private_key_jwt` client assertion (RFC 7523 §2.2), or null
     */
    private record Credentials(String clientId, String secret, boolean basic, SignedJWT assertion) {

        /** The method these credentials use, in `token_endpoint_auth_method` terms. */
        String method() {
            return assertion != null ? PRIVATE_KEY_JWT
                    : basic ? CLIENT_SECRET_BASIC : secret != null ? CLIENT_SECRET_POST : ClientRecord.AUTH_NONE;
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
        if (credentials.assertion() == null) {
            return clients.find(credentials.clientId())
                    // a browser app may read the answer, errors included, from an origin it registered
                    .invoke(found -> found.ifPresent(CorsClient::identified))
                    .map(found -> check(credentials, found))
                    .flatMap(outcome -> settle(credentials, address, outcome));
        }
        return clients.find(credentials.clientId())
                .invoke(found -> found.ifPresent(CorsClient::identified))
                .flatMap(found -> verifyAssertion(credentials, check(credentials, found)))
                .flatMap(outcome -> settle(credentials, address, outcome));
    }

    /** The registered client's checks passed: now its assertion (signature, claims, one use). */
    private Uni<Outcome> verifyAssertion(Credentials credentials, Outcome checked) {
        if (!(checked instanceof Authenticated authenticated)) {
            return Uni.createFrom().item(checked);
        }
        return assertions.verify(authenticated.client().client(), credentials.assertion())
                .map(rejection -> rejection == null ? checked : new Refused(rejection.reason(), rejection.detail()));
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
        // RFC 7591 §2: the client authenticates with the method it registered, and no other
        if (!credentials.method().equals(registered)) {
            return new Refused("auth_method_mismatch",
                    "registered " + registered + ", used " + credentials.method());
        }
        boolean confidential = !client.isPublic();
        boolean bySecret = confidential && credentials.assertion() == null;
        if (bySecret && credentials.secret() == null) {
            return new Refused("missing_secret", "no client secret");
        }
        if (bySecret && !client.secretMatches(credentials.secret(), clock.instant())) {
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
        boolean basic = header != null && header.regionMatches(true, 0, "Basic ", 0, 6);
        if (request.get("client_assertion").isPresent() || request.get("client_assertion_type").isPresent()) {
            if (basic || bodySecret.isPresent()) {
                throw OAuthException.invalidRequest("Use one client authentication method, not a client assertion and a secret");
            }
            return assertion(request, bodyId);
        }
        if (basic) {
            if (bodySecret.isPresent()) {
                throw OAuthException.invalidRequest("Use one client authentication method, not both Basic and client_secret");
            }
            Credentials decoded = decodeBasic(header.substring(6).trim());
            if (bodyId.isPresent() && !bodyId.get().equals(decoded.clientId())) {
                throw OAuthException.invalidRequest("client_id does not match the authenticated client");
            }
            return decoded;
        }
        if (bodyId.isEmpty()) {
            throw OAuthException.invalidClient("Client authentication is required", false);
        }
        return new Credentials(bodyId.get(), bodySecret.orElse(null), false, null);
    }

    /** RFC 7521 §4.2 and RFC 7523 §2.2: a JWT assertion names its client in `sub`. */
    private static Credentials assertion(ClientRequest request, Optional<String> bodyId) {
        if (!ClientAssertions.JWT_BEARER.equals(request.get("client_assertion_type").orElse(null))) {
            throw OAuthException.invalidRequest("client_assertion_type must be " + ClientAssertions.JWT_BEARER);
        }
        SignedJWT assertion;
        try {
            assertion = SignedJWT.parse(request.required("client_assertion"));
        } catch (ParseException e) {
            throw OAuthException.invalidClient(FAILED, false).withDetail("client assertion is not a signed JWT");
        }
        String subject = ClientAssertions.subject(assertion);
        if (subject == null || subject.isEmpty()) {
            throw OAuthException.invalidClient(FAILED, false).withDetail("client assertion has no sub");
        }
        // RFC 7521 §4.2: a client_id sent as well must name the same client
        if (bodyId.isPresent() && !bodyId.get().equals(subject)) {
            throw OAuthException.invalidClient(FAILED, false).withDetail("client_id does not match the assertion's sub");
        }
        return new Credentials(subject, null, false, assertion);
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
            return new Credentials(id, secret.isEmpty() ? null : secret, true, null);
        } catch (IllegalArgumentException e) {
            throw OAuthException.invalidClient(FAILED, true).withDetail("malformed Basic credentials");
        }
    }
}
