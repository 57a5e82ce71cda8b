package io.keyfair.common.openapi;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.PathItem;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.responses.APIResponse;
import org.eclipse.microprofile.openapi.models.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.models.security.SecurityScheme;

import io.keyfair.common.error.OAuthError;
import io.quarkus.smallrye.openapi.OpenApiFilter;

/**
 * What every service's OpenAPI document (`/q/openapi`) says alike, applied when the document is
 * built: the two security schemes (`bearer`, an access token of Keyfair's token-service, RFC 6750;
 * `basic`, client_secret_basic, RFC 6749 §2.3.1) and which paths need which, the RFC 6749 §5.2
 * error body with the 400/401/403 answers, and no browser pages (login, consent, account, portal,
 * console: HTML for people, nothing a generated client could call).
 */
@OpenApiFilter(OpenApiFilter.RunStage.BUILD)
public class OpenApiConventions implements OASFilter {

    public static final String BEARER = "bearer";
    public static final String BASIC = "basic";
    public static final String ERROR_SCHEMA = "ErrorBody";

    /** Browser pages: not part of the API. */
    private static final List<String> PAGES = List.of("/login", "/consent", "/account", "/developers", "/console");

    /** Client authentication at the token service's client endpoints; a public client sends only client_id. */
    private static final List<String> CLIENT_ENDPOINTS = List.of("/oauth/token", "/oauth/revoke", "/oauth/par");

    @Override
    public void filterOpenAPI(OpenAPI openApi) {
        if (openApi.getComponents() == null) {
            openApi.setComponents(OASFactory.createComponents());
        }
        openApi.getComponents()
                .addSecurityScheme(BEARER, OASFactory.createSecurityScheme().type(SecurityScheme.Type.HTTP).scheme("bearer")
                        .bearerFormat("JWT")
                        .description("An access token from /oauth/token (RFC 6750). /admin/** needs the scope `admin`; "
                                + "/ssf/** `ssf.manage` or `ssf.read`; /oauth/register an initial access token when required."))
                .addSecurityScheme(BASIC, OASFactory.createSecurityScheme().type(SecurityScheme.Type.HTTP).scheme("basic")
                        .description("client_secret_basic (RFC 6749 §2.3.1): the client id and secret, form-urlencoded"))
                .addSchema(ERROR_SCHEMA, errorSchema());
        if (openApi.getPaths() == null || openApi.getPaths().getPathItems() == null) {
            return;
        }
        Map<String, PathItem> kept = new LinkedHashMap<>();
        openApi.getPaths().getPathItems().forEach((path, item) -> {
            if (!isPage(path)) {
                kept.put(path, item);
            }
        });
        openApi.getPaths().setPathItems(kept);
        kept.forEach((path, item) -> {
            if (item.getOperations() != null) {
                item.getOperations().forEach((method, operation) -> secure(path, method, operation));
            }
        });
    }

    private static boolean isPage(String path) {
        return PAGES.stream().anyMatch(p -> path.equals(p) || path.startsWith(p + "/"));
    }

    private static void secure(String path, PathItem.HttpMethod method, Operation operation) {
        boolean admin = under(path, "/admin");
        if (admin || under(path, "/ssf") || path.equals("/oauth/userinfo") || under(path, "/oauth/register")) {
            operation.setSecurity(List.of(requirement(BEARER)));
            respond(operation, "401", "No valid bearer token (RFC 6750 §3.1)");
            if (admin || under(path, "/ssf")) {
                respond(operation, "403", "The token lacks the scope this path needs");
            }
        } else if (path.equals("/oauth/introspect")) {
            operation.setSecurity(List.of(requirement(BASIC)));
            respond(operation, "401", "Client authentication failed (invalid_client)");
        } else if (CLIENT_ENDPOINTS.contains(path)) {
            operation.setSecurity(List.of(requirement(BASIC), OASFactory.createSecurityRequirement()));
            respond(operation, "401", "Client authentication failed (invalid_client)");
        }
        if (method != PathItem.HttpMethod.GET || operation.getParameters() != null && !operation.getParameters().isEmpty()) {
            respond(operation, "400", "The request is malformed or refused (RFC 6749 §5.2)");
        }
    }

    private static boolean under(String path, String prefix) {
        return path.equals(prefix) || path.startsWith(prefix + "/");
    }

    private static SecurityRequirement requirement(String scheme) {
        return OASFactory.createSecurityRequirement().addScheme(scheme);
    }

    /** An error answer with the RFC 6749 §5.2 body, unless the operation already documents this status. */
    private static void respond(Operation operation, String status, String description) {
        if (operation.getResponses() == null) {
            operation.setResponses(OASFactory.createAPIResponses());
        }
        if (operation.getResponses().hasAPIResponse(status)) {
            return;
        }
        APIResponse response = OASFactory.createAPIResponse().description(description)
                .content(OASFactory.createContent().addMediaType("application/json", OASFactory.createMediaType()
                        .schema(OASFactory.createSchema().ref(ERROR_SCHEMA))));
        operation.getResponses().addAPIResponse(status, response);
    }

    private static Schema errorSchema() {
        List<Object> codes = new ArrayList<>();
        for (OAuthError e : OAuthError.values()) {
            if (!codes.contains(e.code())) {
                codes.add(e.code());
            }
        }
        return OASFactory.createSchema().type(List.of(Schema.SchemaType.OBJECT))
                .description("RFC 6749 §5.2 error response")
                .addRequired("error")
                .addProperty("error", OASFactory.createSchema().type(List.of(Schema.SchemaType.STRING)).enumeration(codes))
                .addProperty("error_description", OASFactory.createSchema().type(List.of(Schema.SchemaType.STRING)));
    }
}
