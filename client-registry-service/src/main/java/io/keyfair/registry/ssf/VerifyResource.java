package io.keyfair.registry.ssf;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.keyfair.common.error.OAuthException;
import io.keyfair.common.events.SecurityEvents;
import io.keyfair.registry.JsonBody;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * SSF 1.0 §8.1.4, the verification endpoint (`verification_endpoint`): `POST {stream_id, state?}`
 * → 204, and a verification event carrying that `state` joins the outbox, to be delivered like
 * any other (not on a disabled stream, which keeps no events). Guarded by {@link StreamAuthorization}.
 */
@Path("/ssf/verify")
public class VerifyResource {

    static final int MAX_STATE = 1000;

    private final Pool pool;
    private final Streams streams;
    private final StreamCaller caller;

    VerifyResource(Pool pool, Streams streams, StreamCaller caller) {
        this.pool = pool;
        this.streams = streams;
        this.caller = caller;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Response> verify(String body) {
        JsonBody json = JsonBody.required(body, OAuthException::invalidRequest);
        String streamId = StreamsResource.streamId(json);
        String state = json.string("state");
        if (state != null && state.length() > MAX_STATE) {
            throw OAuthException.invalidRequest("state must be at most " + MAX_STATE + " characters");
        }
        String clientId = caller.clientId();
        // the stream is locked, so a concurrent delete cannot leave an event for a stream that is gone
        return pool.withTransaction(tx -> streams.findForUpdate(tx, clientId, streamId)
                        .flatMap(found -> {
                            found.orElseThrow(StreamsResource::notFound);
                            return SecurityEvents.verification(tx, SecurityEvents.newTxn(), clientId, state);
                        }))
                .replaceWith(Response.noContent().build());
    }
}
