package io.keyfair.registry.openapi;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.keyfair.common.config.OAuthConfig;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.ext.web.client.HttpResponse;
import io.vertx.mutiny.ext.web.client.WebClient;

/**
 * `GET /admin/openapi` (scope `admin`, by common's AdminAuthorization): one OpenAPI document for
 * the whole issuer, merged from each service's own `/q/openapi` at the moment it is asked for, so
 * it always describes the services that run, whatever version each is at. Nothing is cached and
 * nothing else depends on it: a service that does not answer within the timeout is left out and
 * named in `info.x-keyfair-unavailable`, and the document still answers.
 */
@Path("/admin/openapi")
public class CombinedOpenApi {

    private static final Logger LOG = Logger.getLogger(CombinedOpenApi.class);
    static final String SELF = "client-registry-service";

    private final OpenApiConfig config;
    private final OAuthConfig oauth;
    private final ObjectMapper json;
    private final WebClient client;

    CombinedOpenApi(OpenApiConfig config, OAuthConfig oauth, ObjectMapper json, Vertx vertx) {
        this.config = config;
        this.oauth = oauth;
        this.json = json;
        this.client = WebClient.create(vertx);
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Every Keyfair service's OpenAPI document, merged")
    public Uni<ObjectNode> combined(@Context HttpServerRequest request) {
        // by name, so the document reads the same every time (and the first of a clash keeps its name)
        Map<String, String> sources = new TreeMap<>(config.sources());
        // this service's own document, from itself (it listens where the request came in)
        sources.putIfAbsent(SELF, "http://127.0.0.1:" + request.localAddress().port() + "/q/openapi");
        List<String> names = new ArrayList<>(sources.keySet());
        List<Uni<ObjectNode>> fetches = names.stream().map(name -> fetch(name, sources.get(name))).toList();
        return Uni.join().all(fetches).andFailFast().map(documents -> {
            List<OpenApiMerge.Part> parts = new ArrayList<>();
            List<String> missing = new ArrayList<>();
            for (int i = 0; i < names.size(); i++) {
                if (documents.get(i) == null) {
                    missing.add(names.get(i));
                } else {
                    parts.add(new OpenApiMerge.Part(names.get(i), documents.get(i)));
                }
            }
            return OpenApiMerge.merge(json, oauth.issuer(), parts, missing);
        });
    }

    /** One service's document, or null when it cannot be had. */
    private Uni<ObjectNode> fetch(String service, String url) {
        return client.getAbs(url).addQueryParam("format", "json").putHeader("Accept", MediaType.APPLICATION_JSON)
                .timeout(config.timeout().toMillis()).send()
                .map(response -> parse(service, response))
                .onFailure().recoverWithItem(e -> {
                    LOG.warnf("OpenAPI document of %s not read: %s", service, e.toString());
                    return null;
                });
    }

    private ObjectNode parse(String service, HttpResponse<?> response) {
        if (response.statusCode() != 200) {
            LOG.warnf("OpenAPI document of %s not read: HTTP %d", service, response.statusCode());
            return null;
        }
        try {
            return json.readTree(response.bodyAsString()) instanceof ObjectNode document && document.has("paths") ? document : null;
        } catch (Exception e) {
            LOG.warnf("OpenAPI document of %s is not JSON: %s", service, e.toString());
            return null;
        }
    }
}
