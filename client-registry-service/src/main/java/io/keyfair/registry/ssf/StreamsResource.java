package io.keyfair.registry.ssf;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.keyfair.common.config.OAuthConfig;
import io.keyfair.common.error.OAuthException;
import io.keyfair.common.http.NoStore;
import io.keyfair.registry.JsonBody;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * SSF 1.0 §8.1.1, the stream configuration endpoint (`configuration_endpoint`): the app's one
 * stream, `aud` its client id. `POST` creates it or replaces the one it has, `GET` reads it (or,
 * without `stream_id`, lists the app's streams: one or none), `PUT` replaces and `PATCH` changes
 * it, `DELETE` removes it. `stream_id` is in the query for `GET` and `DELETE`, in the body
 * otherwise. Guarded by {@link StreamAuthorization}.
 */
@Path("/ssf/streams")
@Produces(MediaType.APPLICATION_JSON)
public class StreamsResource {

    private final Pool pool;
    private final Streams streams;
    private final StreamCaller caller;
    private final OAuthConfig oauth;

    StreamsResource(Pool pool, Streams streams, StreamCaller caller, OAuthConfig oauth) {
        this.pool = pool;
        this.streams = streams;
        this.caller = caller;
        this.oauth = oauth;
    }

    /** §8.1.1.1: 201 with the new stream, or 200 with the app's stream replaced (same `stream_id`). */
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Response> create(String body) {
        StreamSettings settings = StreamSettings.of(JsonBody.optional(body, OAuthException::invalidRequest));
        String clientId = caller.clientId();
        return pool.withTransaction(tx -> streams.createOrReplace(tx, clientId, settings))
                .map(written -> NoStore.status(written.created() ? 201 : 200)
                        .entity(written.stream().configuration(oauth.issuer())).build());
    }

    /** §8.1.1.2: one stream by `stream_id`, or every stream of the app (an array of one or none). */
    @GET
    public Uni<Response> read(@QueryParam("stream_id") String streamId) {
        return streams.find(caller.clientId()).map(found -> {
            if (streamId == null) {
                List<Map<String, Object>> all = found.map(s -> List.of(s.configuration(oauth.issuer()))).orElse(List.of());
                return NoStore.status(200).entity(all).build();
            }
            Stream stream = found.filter(s -> s.streamId().equals(streamId)).orElseThrow(StreamsResource::notFound);
            return NoStore.status(200).entity(stream.configuration(oauth.issuer())).build();
        });
    }

    /** §8.1.1.3: the members the body holds replace the stream's; 200 with the stream. */
    @PATCH
    @Consumes({ MediaType.APPLICATION_JSON, "application/merge-patch+json" })
    public Uni<Response> patch(String body) {
        JsonBody json = JsonBody.required(body, OAuthException::invalidRequest);
        String streamId = streamId(json);
        String clientId = caller.clientId();
        return pool.withTransaction(tx -> streams.findForUpdate(tx, clientId, streamId)
                        .flatMap(found -> {
                            Stream current = found.orElseThrow(StreamsResource::notFound);
                            return streams.update(tx, clientId, streamId, StreamSettings.patched(json, current));
                        }))
                .map(this::ok);
    }

    /** §8.1.1.4: the stream's settings replaced by the body's, its status kept; 200 with the stream. */
    @PUT
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Response> replace(String body) {
        JsonBody json = JsonBody.required(body, OAuthException::invalidRequest);
        String streamId = streamId(json);
        StreamSettings settings = StreamSettings.of(json);
        String clientId = caller.clientId();
        return pool.withTransaction(tx -> streams.update(tx, clientId, streamId, settings)).map(this::ok);
    }

    /** §8.1.1.5: 204; events no longer go anywhere. */
    @DELETE
    public Uni<Response> delete(@QueryParam("stream_id") String streamId) {
        if (streamId == null) {
            throw OAuthException.invalidRequest("stream_id is required");
        }
        if (streamId.length() > Streams.MAX_STREAM_ID) {
            throw notFound();
        }
        return streams.delete(caller.clientId(), streamId).map(deleted -> {
            if (!deleted) {
                throw notFound();
            }
            return Response.noContent().build();
        });
    }

    private Response ok(Optional<Stream> stream) {
        return NoStore.status(200).entity(stream.orElseThrow(StreamsResource::notFound).configuration(oauth.issuer())).build();
    }

    /** The body's `stream_id`, which the stream endpoints other than create require. */
    static String streamId(JsonBody json) {
        String streamId = json.string("stream_id");
        if (streamId == null) {
            throw OAuthException.invalidRequest("stream_id is required");
        }
        return streamId;
    }

    /** Unknown, or another app's: the same answer, so no app learns another's stream ids. */
    static OAuthException notFound() {
        return OAuthException.notFound("No stream with this stream_id");
    }
}
