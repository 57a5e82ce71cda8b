package io.keyfair.token.discovery;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import com.nimbusds.jose.JWSAlgorithm;

import io.keyfair.common.clientauth.ClientAssertions;
import io.keyfair.common.config.OAuthConfig;
import io.keyfair.common.dpop.DpopProofVerifier;
import io.keyfair.common.scope.ScopeCatalog;
import io.smallrye.mutiny.Uni;

/** OpenID Connect Discovery 1.0 and RFC 8414 metadata: one document, served at both paths. */
@Path("/.well-known")
public class DiscoveryEndpoint {

    private final Map<String, Object> fixed;
    private final ScopeCatalog scopes;

    DiscoveryEndpoint(OAuthConfig config, ScopeCatalog scopes) {
        this.scopes = scopes;
        String issuer = config.issuer();
        String base = base(issuer);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("issuer", issuer);
        m.put("authorization_endpoint", base + "/oauth/authorize");
        m.put("token_endpoint", base + "/oauth/token");
        m.put("userinfo_endpoint", base + "/oauth/userinfo");
        m.put("revocation_endpoint", base + "/oauth/revoke");
        m.put("introspection_endpoint", base + "/oauth/introspect");
        m.put("registration_endpoint", base + "/oauth/register");
        m.put("end_session_endpoint", base + "/logout");
        // RFC 9126 §5: the PAR endpoint is offered; whether a client must use it is its own registration's say
        m.put("pushed_authorization_request_endpoint", base + "/oauth/par");
        m.put("require_pushed_authorization_requests", false);
        m.put("jwks_uri", jwksUri(issuer));
        m.put("response_types_supported", List.of("code"));
        m.put("response_modes_supported", List.of("query"));
        m.put("grant_types_supported", List.of("authorization_code", "refresh_token", "client_credentials"));
        m.put("subject_types_supported", List.of("public"));
        m.put("id_token_signing_alg_values_supported", List.of("RS256", "ES256"));
        List<String> assertionAlgs = ClientAssertions.ALGORITHMS.stream().map(JWSAlgorithm::getName).toList();
        m.put("token_endpoint_auth_methods_supported", List.of("client_secret_basic", "client_secret_post", "none", "private_key_jwt"));
        // RFC 8414 §2: required with private_key_jwt
        m.put("token_endpoint_auth_signing_alg_values_supported", assertionAlgs);
        m.put("revocation_endpoint_auth_methods_supported", List.of("client_secret_basic", "client_secret_post", "none", "private_key_jwt"));
        m.put("revocation_endpoint_auth_signing_alg_values_supported", assertionAlgs);
        m.put("introspection_endpoint_auth_methods_supported", List.of("client_secret_basic", "client_secret_post", "private_key_jwt"));
        m.put("introspection_endpoint_auth_signing_alg_values_supported", assertionAlgs);
        m.put("code_challenge_methods_supported", List.of("S256"));
        // RFC 9449 §5.1
        m.put("dpop_signing_alg_values_supported",
                DpopProofVerifier.ALGORITHMS.stream().map(a -> a.getName()).toList());
        m.put("prompt_values_supported", List.of("none", "login", "consent"));
        m.put("claims_supported", List.of("sub", "iss", "aud", "exp", "iat", "auth_time", "nonce", "at_hash",
                "name", "preferred_username", "updated_at", "email", "email_verified", "seller_verified", "seller_since", "roles"));
        m.put("authorization_response_iss_parameter_supported", true);
        m.put("claims_parameter_supported", false);
        m.put("request_parameter_supported", false);
        // request objects by reference (OpenID Connect Core §6.2) are not fetched: the only
        // request_uri values accepted are the PAR endpoint's, which pushed_authorization_request_endpoint announces
        m.put("request_uri_parameter_supported", false);
        this.fixed = java.util.Collections.unmodifiableMap(m);
    }

    /** The issuer without a trailing slash, to which endpoint paths are appended. */
    static String base(String issuer) {
        return issuer.endsWith("/") ? issuer.substring(0, issuer.length() - 1) : issuer;
    }

    /** Where the issuer's public keys are: the same in every metadata document. */
    static String jwksUri(String issuer) {
        return base(issuer) + "/oauth/jwks";
    }

    @GET
    @Path("/openid-configuration")
    public Uni<Response> openidConfiguration() {
        return document();
    }

    @GET
    @Path("/oauth-authorization-server")
    public Uni<Response> authorizationServerMetadata() {
        return document();
    }

    private Uni<Response> document() {
        return scopes.names().map(names -> {
            Map<String, Object> doc = new LinkedHashMap<>(fixed);
            doc.put("scopes_supported", names);
            return Response.ok(doc, MediaType.APPLICATION_JSON_TYPE).header("Cache-Control", "public, max-age=60").build();
        });
    }
}
