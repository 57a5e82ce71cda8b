package io.keyfair.registry.client;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.keyfair.common.error.OAuthException;
import io.keyfair.registry.JsonBody;
import io.keyfair.registry.WebUris;

/**
 * Reads RFC 7591 §2 client metadata from a JSON object: checks each member's type and syntax,
 * applies the defaults, and checks the rules between members that need no lookup. Failures are
 * `invalid_redirect_uri` for redirect URIs and `invalid_client_metadata` for everything else
 * (RFC 7591 §3.2.2). Unknown members are ignored (RFC 7591 §2).
 */
public final class ClientMetadataReader {

    public static final String AUTHORIZATION_CODE = "authorization_code";
    public static final String REFRESH_TOKEN = "refresh_token";
    public static final String CLIENT_CREDENTIALS = "client_credentials";

    static final Set<String> GRANT_TYPES = Set.of(AUTHORIZATION_CODE, REFRESH_TOKEN, CLIENT_CREDENTIALS);
    static final Set<String> AUTH_METHODS = Set.of("client_secret_basic", "client_secret_post", ClientMetadata.AUTH_NONE,
            ClientMetadata.AUTH_PRIVATE_KEY_JWT);
    static final Set<String> SIGNING_ALGORITHMS = Set.of("RS256", "ES256");
    static final Set<String> APP_TYPES = Set.of(ClientMetadata.APP_THIRD_PARTY, ClientMetadata.APP_DEDICATED);
    /** RFC 6749 §3.3 scope-token. */
    public static final Pattern SCOPE_TOKEN = Pattern.compile("^[\\x21\\x23-\\x5B\\x5D-\\x7E]{1,64}$");
    private static final Pattern UUID_TEXT = Pattern.compile("^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$");

    static final int MAX_NAME = 200;
    static final int MAX_REASON = 2000;
    static final int MAX_REDIRECT_URIS = 50;
    static final int MAX_FRAME_ANCESTORS = 20;
    static final int MAX_CORS_ORIGINS = 20;
    /** The largest request limit per minute, for load tests (CONTRACT "Errors, limits, bad input"). */
    static final int MAX_RATE_LIMIT = 1_000_000_000;
    static final Set<String> RATE_LIMIT_MEMBERS = Set.of("client_credentials", "other");

    private static final Function<String, OAuthException> METADATA = OAuthException::invalidClientMetadata;

    private ClientMetadataReader() {
    }

    public static ClientMetadata read(ObjectNode object) {
        JsonBody json = JsonBody.of(object, METADATA);
        String name = json.text("client_name");
        if (name == null || name.isBlank()) {
            throw METADATA.apply("client_name is required");
        }
        name = name.strip();
        if (name.length() > MAX_NAME) {
            throw METADATA.apply("client_name must be at most " + MAX_NAME + " characters");
        }

        List<String> grantTypes = grantTypes(json.strings("grant_types"));
        responseTypes(json.strings("response_types"));
        List<String> redirectUris = redirectUris("redirect_uris", json.strings("redirect_uris"));
        // OpenID Connect RP-Initiated Logout §3.1: checked like redirect URIs, since /logout redirects to them
        List<String> postLogoutRedirectUris = redirectUris("post_logout_redirect_uris", json.strings("post_logout_redirect_uris"));
        // RFC 6749 §3.1.2.2: the authorization code flow needs a registered redirect URI
        if (grantTypes.contains(AUTHORIZATION_CODE) && redirectUris.isEmpty()) {
            throw OAuthException.invalidRedirectUri("redirect_uris needs at least one URI for the authorization_code grant");
        }

        String authMethod = oneOf(json, "token_endpoint_auth_method", AUTH_METHODS, "client_secret_basic");
        boolean confidential = !ClientMetadata.AUTH_NONE.equals(authMethod);
        // RFC 6749 §4.4: client_credentials is for confidential clients only
        if (!confidential && grantTypes.contains(CLIENT_CREDENTIALS)) {
            throw METADATA.apply("A client with token_endpoint_auth_method none cannot use the client_credentials grant");
        }

        boolean introspectionAllowed = orDefault(json.bool("introspection_allowed"), false);
        if (introspectionAllowed && !confidential) {
            throw METADATA.apply("introspection_allowed needs a confidential client");
        }

        String appType = oneOf(json, "app_type", APP_TYPES, ClientMetadata.APP_THIRD_PARTY);
        // a third-party app may name its developer (who applied in the portal) as its owner: it
        // sees the app in the portal, while any user may still authorize it
        UUID owner = ownerUserId(json.string("owner_user_id"));

        boolean trusted = orDefault(json.bool("trusted"), false);
        // CONTRACT: a dedicated app is built by one user for their own account, so only that
        // user may authorize it; without an owner, or trusted (no consent), anyone could
        if (ClientMetadata.APP_DEDICATED.equals(appType) && owner == null) {
            throw METADATA.apply("A dedicated app needs owner_user_id");
        }
        if (ClientMetadata.APP_DEDICATED.equals(appType) && trusted) {
            throw METADATA.apply("A dedicated app can never be trusted");
        }
        List<String> frameAncestors = frameAncestors(json.strings("frame_ancestors"));
        // only a trusted client's pages may frame the authorize endpoint (transparent authorization)
        if (!frameAncestors.isEmpty() && !trusted) {
            throw METADATA.apply("frame_ancestors is only allowed for a trusted client");
        }

        ObjectNode jwks = json.json().get("jwks") == null || json.json().get("jwks").isNull() ? null
                : ClientKeys.check(json.json().get("jwks"), METADATA);
        String jwksUri = webUri(json, "jwks_uri");
        // RFC 7591 §2: jwks and jwks_uri MUST NOT both be present; RFC 7523 needs one of them
        if (jwks != null && jwksUri != null) {
            throw METADATA.apply("Give jwks or jwks_uri, not both");
        }
        boolean privateKeyJwt = ClientMetadata.AUTH_PRIVATE_KEY_JWT.equals(authMethod);
        if (privateKeyJwt && jwks == null && jwksUri == null) {
            throw METADATA.apply("private_key_jwt needs the client's public keys in jwks or jwks_uri");
        }
        if (!privateKeyJwt && (jwks != null || jwksUri != null)) {
            throw METADATA.apply("jwks and jwks_uri are only used with token_endpoint_auth_method private_key_jwt");
        }

        String reason = json.string("reason");
        if (reason != null && reason.length() > MAX_REASON) {
            throw METADATA.apply("reason must be at most " + MAX_REASON + " characters");
        }

        return new ClientMetadata(
                name,
                webUri(json, "logo_uri"),
                redirectUris,
                webUri(json, "tos_uri"),
                webUri(json, "policy_uri"),
                grantTypes,
                scope(json.string("scope")),
                authMethod,
                webUri(json, "events_uri"),
                orDefault(json.integer("refresh_grace_seconds", 0, 300), 2),
                introspectionAllowed,
                oneOf(json, "id_token_signed_response_alg", SIGNING_ALGORITHMS, "RS256"),
                appType,
                owner,
                trusted,
                frameAncestors,
                json.integer("access_token_ttl", 1, 86_400),
                reason,
                postLogoutRedirectUris,
                rateLimits(json.json().get("rate_limits")),
                corsOrigins(json.strings("allowed_cors_origins")),
                orDefault(json.bool("id_token_scope_claims"), true),
                jwks,
                jwksUri,
                // RFC 9126 §6
                orDefault(json.bool("require_pushed_authorization_requests"), false),
                // RFC 9449 §5.2: every token request of the client must carry a DPoP proof
                orDefault(json.bool("dpop_bound_access_tokens"), false));
    }

    /**
     * `allowed_cors_origins`: exact origins as a browser sends them in `Origin` (RFC 6454 §6.2):
     * `scheme://host[:port]`, lowercase, without the scheme's default port, a path, a query or a
     * fragment; https, or http on a loopback host. No wildcard: each origin is one app's pages.
     */
    private static List<String> corsOrigins(List<String> given) {
        if (given == null) {
            return List.of();
        }
        if (given.size() > MAX_CORS_ORIGINS) {
            throw METADATA.apply("allowed_cors_origins may hold at most " + MAX_CORS_ORIGINS + " origins");
        }
        for (String origin : given) {
            if (origin.indexOf('*') >= 0) {
                throw METADATA.apply("allowed_cors_origins: an origin must be exact, without a wildcard");
            }
            String problem = webUriProblem(origin);
            if (problem != null) {
                throw METADATA.apply("allowed_cors_origins: an origin " + problem);
            }
            URI parsed = URI.create(origin);
            if (!parsed.getRawPath().isEmpty() || parsed.getRawQuery() != null || parsed.getRawFragment() != null) {
                throw METADATA.apply("allowed_cors_origins may only hold origins (scheme://host[:port]), without a path or a trailing /");
            }
            // the browser's Origin is compared as is: a form it never sends would never match
            String serialized = parsed.getScheme() + "://" + parsed.getHost()
                    + (parsed.getPort() == -1 || parsed.getPort() == defaultPort(parsed.getScheme()) ? "" : ":" + parsed.getPort());
            serialized = serialized.toLowerCase(Locale.ROOT);
            if (!serialized.equals(origin)) {
                throw METADATA.apply("allowed_cors_origins: write an origin as a browser sends it, lowercase and without a default port");
            }
        }
        return List.copyOf(new LinkedHashSet<>(given));
    }

    private static int defaultPort(String scheme) {
        return "https".equalsIgnoreCase(scheme) ? 443 : 80;
    }

    /**
     * `rate_limits`: an object with `client_credentials` and/or `other`, each a whole number of
     * requests per minute; no other member. An empty object means the defaults.
     */
    private static ClientMetadata.RateLimits rateLimits(JsonNode given) {
        if (given == null || given.isNull()) {
            return null;
        }
        if (!given.isObject()) {
            throw METADATA.apply("rate_limits must be an object with client_credentials and other");
        }
        given.fieldNames().forEachRemaining(member -> {
            if (!RATE_LIMIT_MEMBERS.contains(member)) {
                throw METADATA.apply("rate_limits may only hold client_credentials and other");
            }
        });
        JsonBody limits = JsonBody.of((ObjectNode) given, member -> METADATA.apply("rate_limits." + member));
        Integer clientCredentials = limits.integer("client_credentials", 1, MAX_RATE_LIMIT);
        Integer other = limits.integer("other", 1, MAX_RATE_LIMIT);
        return clientCredentials == null && other == null ? null : new ClientMetadata.RateLimits(clientCredentials, other);
    }

    private static List<String> grantTypes(List<String> given) {
        if (given == null) {
            return List.of(AUTHORIZATION_CODE);
        }
        if (given.isEmpty()) {
            throw METADATA.apply("grant_types must name at least one grant type");
        }
        for (String grant : given) {
            // RFC 9700 §2.1.2 and §2.4: implicit and password are not offered
            if ("implicit".equals(grant) || "password".equals(grant)) {
                throw METADATA.apply("The " + grant + " grant is not supported");
            }
            if (!GRANT_TYPES.contains(grant)) {
                throw METADATA.apply("grant_types may only hold authorization_code, refresh_token and client_credentials");
            }
        }
        return List.copyOf(new LinkedHashSet<>(given));
    }

    /** Only the code flow exists; anything else (`token`, `id_token`) asks for the implicit flow. */
    private static void responseTypes(List<String> given) {
        if (given != null && given.stream().anyMatch(t -> !"code".equals(t))) {
            throw METADATA.apply("response_types may only hold code");
        }
    }

    private static List<String> redirectUris(String member, List<String> given) {
        if (given == null) {
            return List.of();
        }
        if (given.size() > MAX_REDIRECT_URIS) {
            throw OAuthException.invalidRedirectUri(member + " may hold at most " + MAX_REDIRECT_URIS + " URIs");
        }
        for (String uri : given) {
            // RFC 6749 §3.1.2: "The endpoint URI MUST NOT include a fragment component."
            if (uri.indexOf('#') >= 0) {
                throw OAuthException.invalidRedirectUri(member + ": a URI must not contain a fragment");
            }
            String problem = webUriProblem(uri);
            if (problem != null) {
                throw OAuthException.invalidRedirectUri(member + ": a URI " + problem);
            }
        }
        return List.copyOf(new LinkedHashSet<>(given));
    }

    private static String webUri(JsonBody json, String member) {
        String uri = json.string(member);
        if (uri == null) {
            return null;
        }
        String problem = webUriProblem(uri);
        if (problem != null) {
            throw METADATA.apply(member + " " + problem);
        }
        return uri;
    }

    /** See {@link WebUris}: the same rule for every URL a client registers. */
    private static String webUriProblem(String uri) {
        return WebUris.problem(uri);
    }

    /** CSP frame-ancestors sources: origins only, `https://host[:port]` or loopback http. */
    private static List<String> frameAncestors(List<String> given) {
        if (given == null) {
            return List.of();
        }
        if (given.size() > MAX_FRAME_ANCESTORS) {
            throw METADATA.apply("frame_ancestors may hold at most " + MAX_FRAME_ANCESTORS + " origins");
        }
        for (String origin : given) {
            String problem = webUriProblem(origin);
            if (problem != null) {
                throw METADATA.apply("frame_ancestors: an origin " + problem);
            }
            URI parsed = URI.create(origin);
            if (!parsed.getRawPath().isEmpty() || parsed.getRawQuery() != null || parsed.getRawFragment() != null) {
                throw METADATA.apply("frame_ancestors may only hold origins (scheme://host[:port])");
            }
        }
        return List.copyOf(new LinkedHashSet<>(given));
    }

    private static String scope(String given) {
        if (given == null) {
            return "openid";
        }
        LinkedHashSet<String> tokens = new LinkedHashSet<>();
        for (String token : given.strip().split(" +")) {
            if (!token.isEmpty()) {
                if (!SCOPE_TOKEN.matcher(token).matches()) {
                    throw METADATA.apply("scope must be space-separated scope names");
                }
                tokens.add(token);
            }
        }
        if (tokens.isEmpty()) {
            throw METADATA.apply("scope must name at least one scope");
        }
        return String.join(" ", new ArrayList<>(tokens));
    }

    private static UUID ownerUserId(String given) {
        if (given == null) {
            return null;
        }
        if (!UUID_TEXT.matcher(given).matches()) {
            throw METADATA.apply("owner_user_id must be a user id (a UUID)");
        }
        return UUID.fromString(given);
    }

    private static String oneOf(JsonBody json, String member, Set<String> allowed, String fallback) {
        String value = json.string(member);
        if (value == null) {
            return fallback;
        }
        if (!allowed.contains(value)) {
            throw METADATA.apply(member + " must be one of " + String.join(", ", allowed.stream().sorted().toList()));
        }
        return value;
    }

    private static <T> T orDefault(T value, T fallback) {
        return value == null ? fallback : value;
    }
}
