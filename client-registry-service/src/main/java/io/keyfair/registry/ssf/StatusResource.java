package io.keyfair.registry.ssf;

import java.util.Map;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import io.keyfair.common.error.OAuthException;
import io.keyfair.registry.JsonBody;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * SSF 1.0 §8.1.2, the stream status endpoint (`status_endpoint`): `GET ?stream_id=` reads
 * `{stream_id, status, reason?}` (`disabled` for a suspended app whatever is stored), `POST
 * {stream_id, status, reason?}` sets it: `enabled`, `paused` (events are held) or `disabled`
 * (events are not kept). Guarded by {@link StreamAuthorization}.
 */
@Path("/ssf/status")
@Produces(MediaType.APPLICATION_JSON)
public class StatusResource {

    static final int MAX_REASON = 500;

    private final Pool pool;
    private final Streams streams;
    private final StreamCaller caller;

    StatusResource(Pool pool, Streams streams, StreamCaller caller) {
        this.pool = pool;
        this.streams = streams;
        this.caller = caller;
    }

    @GET
    public Uni<Map<String, Object>> read(@QueryParam("stream_id") String streamId) {
        if (streamId == null) {
            throw OAuthException.invalidRequest("stream_id is required");
        }
        return streams.find(caller.clientId())
                .map(found -> found.filter(s -> s.streamId().equals(streamId)).orElseThrow(StreamsResource::notFound).statusJson());
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Map<String, Object>> update(String body) {
        JsonBody json = JsonBody.required(body, OAuthException::invalidRequest);
        String streamId = StreamsResource.streamId(json);
        String status = json.string("status");
        if (status == null || !Stream.STATUSES.contains(status)) {
            throw OAuthException.invalidRequest("status must be enabled, paused or disabled");
        }
        String reason = json.text("reason");
        if (reason != null && reason.length() > MAX_REASON) {
            throw OAuthException.invalidRequest("reason must be at most " + MAX_REASON + " characters");
        }
        if (streamId.length() > Streams.MAX_STREAM_ID) {
            throw StreamsResource.notFound();
        }
        return pool.withTransaction(tx -> streams.setStatus(tx, caller.clientId(), streamId, status, reason))
                .map(found -> found.orElseThrow(StreamsResource::notFound).statusJson());
    }
}
