package io.keyfair.token.discovery;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.keyfair.common.config.OAuthConfig;

/**
 * OpenID Shared Signals Framework 1.0 §7.1 transmitter configuration metadata: where an app
 * manages its stream (served by client-registry-service under `/ssf/**`), how events reach it
 * (push, RFC 8935, or poll, RFC 8936), and which keys sign its SETs (the issuer's JWKS).
 */
@Path("/.well-known/ssf-configuration")
public class SsfConfigurationEndpoint {

    /** RFC 8935 push delivery. */
    public static final String PUSH = "urn:ietf:rfc:8935";
    /** RFC 8936 poll delivery. */
    public static final String POLL = "urn:ietf:rfc:8936";

    private final Map<String, Object> document;

    SsfConfigurationEndpoint(OAuthConfig config) {
        String issuer = config.issuer();
        String base = DiscoveryEndpoint.base(issuer);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("spec_version", "1_0");
        m.put("issuer", issuer);
        m.put("jwks_uri", DiscoveryEndpoint.jwksUri(issuer));
        m.put("delivery_methods_supported", List.of(PUSH, POLL));
        m.put("configuration_endpoint", base + "/ssf/streams");
        m.put("status_endpoint", base + "/ssf/status");
        m.put("verification_endpoint", base + "/ssf/verify");
        // §7.1: the app authenticates with an OAuth 2.0 access token (its own client_credentials grant)
        m.put("authorization_schemes", List.of(Map.of("spec_urn", "urn:ietf:rfc:6749")));
        // one stream per app, about every user connected to it: no subjects to add or remove
        m.put("default_subjects", "ALL");
        this.document = Collections.unmodifiableMap(m);
    }

    @GET
    public Response configuration() {
        return Response.ok(document, MediaType.APPLICATION_JSON_TYPE).header("Cache-Control", "public, max-age=60").build();
    }
}
