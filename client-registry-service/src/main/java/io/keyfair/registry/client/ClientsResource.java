package io.keyfair.registry.client;

import java.net.URI;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.keyfair.common.admin.AdminCaller;
import io.keyfair.common.client.ClientStatus;
import io.keyfair.common.config.AdminClientConfig;
import io.keyfair.common.error.OAuthException;
import io.keyfair.common.http.NoStore;
import io.keyfair.registry.JsonBody;
import io.smallrye.mutiny.Uni;

/**
 * The admin API's client collection: register (RFC 7591 metadata), list, read, change (JSON merge
 * patch, RFC 7396) and delete. `/admin/**` is guarded by common's AdminAuthorization.
 */
@Path("/admin/clients")
@Produces(MediaType.APPLICATION_JSON)
public class ClientsResource {

    /** Members a PATCH may not touch: identity, credentials, lifecycle and ownership. */
    static final List<String> FIXED_MEMBERS = List.of("client_id", "client_secret", "status", "app_type", "owner_user_id");
    /** All a PATCH may change on the bootstrap admin client: what it is called and shows. */
    static final Set<String> ADMIN_CLIENT_EDITABLE = Set.of("client_name", "logo_uri", "tos_uri", "policy_uri", "reason");

    private static final int DEFAULT_LIMIT = 100;
    private static final int MAX_LIMIT = 500;

    private final Clients clients;
    private final ClientMetadataValidator validator;
    private final ClientRegistrar registrar;
    private final ClientUpdate update;
    private final ClientDeletion deletion;
    private final AdminClientConfig adminClient;
    private final AdminCaller caller;

    ClientsResource(Clients clients, ClientMetadataValidator validator, ClientRegistrar registrar, ClientUpdate update,
            ClientDeletion deletion, AdminClientConfig adminClient, AdminCaller caller) {
        this.clients = clients;
        this.validator = validator;
        this.registrar = registrar;
        this.update = update;
        this.deletion = deletion;
        this.adminClient = adminClient;
        this.caller = caller;
    }

    /** 201 with the client, its secret and `status` (`approved` for a dedicated app, else `pending`). */
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @APIResponse(responseCode = "201", description = "Registered; the secret is shown only now",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = RegisteredClient.class)))
    public Uni<Response> create(@RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = ClientMetadata.class))) String body) {
        ObjectNode json = JsonBody.required(body, OAuthException::invalidClientMetadata).json();
        String actor = caller.clientId();
        return validator.validate(json)
                .flatMap(metadata -> registrar.register(metadata,
                        metadata.dedicated() ? ClientStatus.APPROVED : ClientStatus.PENDING, "client.created", actor))
                .map(ClientsResource::created);
    }

    /** Clients, newest first, optionally of one status. */
    @GET
    public Uni<List<ClientView>> list(@QueryParam("status") String status, @QueryParam("limit") String limit,
            @QueryParam("offset") String offset) {
        String filter = status == null ? null : status(status).value();
        int max = number("limit", limit, DEFAULT_LIMIT, 1, MAX_LIMIT);
        int skip = number("offset", offset, 0, 0, Integer.MAX_VALUE - MAX_LIMIT);
        return clients.list(filter, skip, max);
    }

    @GET
    @Path("{id}")
    public Uni<ClientView> get(@PathParam("id") String id) {
        return clients.require(id);
    }

    /**
     * RFC 7396 merge of metadata members (`null` resets a member to its default), validated as a
     * whole exactly like a registration. A changed `events_uri` moves the SSF push stream with it.
     */
    @PATCH
    @Path("{id}")
    @Consumes({ MediaType.APPLICATION_JSON, "application/merge-patch+json" })
    public Uni<ClientView> patch(@PathParam("id") String id, @RequestBody(required = true,
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ClientMetadata.class))) String body) {
        ObjectNode patch = JsonBody.required(body, OAuthException::invalidClientMetadata).json();
        for (String member : FIXED_MEMBERS) {
            if (patch.has(member)) {
                throw OAuthException.invalidClientMetadata(member + " cannot be changed");
            }
        }
        if (adminClient.isAdminClient(id) && !ADMIN_CLIENT_EDITABLE.containsAll(ClientUpdate.members(patch))) {
            // token-service's bootstrap owns how the admin client authenticates and what it may do
            throw OAuthException.invalidRequest("Only the name and links of the bootstrap admin client can be changed");
        }
        return update.patch(id, patch, caller.clientId(), false).map(ClientUpdate.Updated::client);
    }

    /** 204. Every access token of the client stops working at once. */
    @DELETE
    @Path("{id}")
    @APIResponse(responseCode = "204", description = "Deleted")
    public Uni<Response> delete(@PathParam("id") String id) {
        return deletion.delete(id, caller.clientId()).replaceWith(Response.noContent().build());
    }

    private static Response created(RegisteredClient registered) {
        return NoStore.status(201)
                .location(URI.create("/admin/clients/" + registered.client().clientId()))
                .entity(registered)
                .build();
    }

    private static ClientStatus status(String value) {
        return Arrays.stream(ClientStatus.values()).filter(s -> s.value().equals(value)).findFirst()
                .orElseThrow(() -> OAuthException.invalidRequest("status must be pending, approved, rejected or suspended"));
    }

    private static int number(String name, String value, int fallback, int min, int max) {
        if (value == null) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(value);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw OAuthException.invalidRequest(name + " must be an integer from " + min + " to " + max);
    }
}
