package io.keyfair.token.events;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.keyfair.common.admin.AdminAuthorization;
import io.keyfair.common.error.OAuthException;
import io.keyfair.common.http.NoStore;
import io.keyfair.common.token.AccessTokenVerifier;
import io.keyfair.common.token.RevocationList;
import io.keyfair.common.token.VerifiedAccessToken;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * RFC 8936 poll delivery at `POST /ssf/poll`, for an app whose stream is a poll stream, with a
 * bearer token of its own `client_credentials` grant carrying `ssf.manage` or `ssf.read`. The
 * body `{maxEvents, returnImmediately, ack, setErrs}`: acknowledged events of this app are
 * delivered, reported ones failed, then up to `maxEvents` of its pending SETs are returned
 * (`{"sets": {jti: SET}, "moreAvailable": …}`); with `returnImmediately: false` an empty answer
 * waits up to {@link EventsConfig#pollWait()} for one, re-checking on a timer.
 */
@Path("/ssf/poll")
public class PollEndpoint {

    private static final int DEFAULT_EVENTS = 100;
    private static final int MAX_EVENTS = 1000;
    private static final int MAX_JTI = 64;
    private static final long RECHECK_MS = 250;

    private final AccessTokenVerifier verifier;
    private final RevocationList revocations;
    private final Outbox outbox;
    private final SetSigner signer;
    private final Pool pool;
    private final Vertx vertx;
    private final EventsConfig config;

    PollEndpoint(AccessTokenVerifier verifier, RevocationList revocations, Outbox outbox, SetSigner signer, Pool pool, Vertx vertx,
            EventsConfig config) {
        this.verifier = verifier;
        this.revocations = revocations;
        this.outbox = outbox;
        this.signer = signer;
        this.pool = pool;
        this.vertx = vertx;
        this.config = config;
    }

    private record Request(int maxEvents, boolean returnImmediately, List<String> ack, Map<String, String> setErrs) {
    }

    @POST
    @Produces(MediaType.APPLICATION_JSON)
    public Uni<Response> poll(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization, String body) {
        String token = AdminAuthorization.bearerToken(authorization);
        if (token == null) {
            throw OAuthException.missingBearerToken();
        }
        return verifier.verifyBearer(token)
                .call(t -> revocations.isRevoked(t).invoke(revoked -> {
                    if (revoked) {
                        throw OAuthException.invalidToken("The access token has been revoked");
                    }
                }))
                .flatMap(t -> {
                    String clientId = app(t);
                    Request request = read(body);
                    return pollStream(clientId).flatMap(v -> answer(clientId, request));
                });
    }

    /** The app the token was issued to by its own client_credentials grant, with a stream scope. */
    private static String app(VerifiedAccessToken t) {
        if (!t.isClientToken() || !(t.hasScope("ssf.manage") || t.hasScope("ssf.read"))) {
            throw OAuthException.insufficientScope("ssf.read");
        }
        return t.clientId();
    }

    private Uni<Void> pollStream(String clientId) {
        return pool.preparedQuery("select delivery_method from ssf_streams where client_id = $1").execute(Tuple.of(clientId))
                .invoke(rows -> {
                    if (rows.size() == 0) {
                        throw OAuthException.notFound("This app has no event stream");
                    }
                    if (!OutboxEvent.POLL.equals(rows.iterator().next().getString("delivery_method"))) {
                        throw OAuthException.invalidRequest("This app's stream delivers by push, not by poll");
                    }
                })
                .replaceWithVoid();
    }

    private Uni<Response> answer(String clientId, Request request) {
        Uni<Void> reported = outbox.acknowledge(clientId, request.ack())
                .flatMap(n -> Multi.createFrom().iterable(request.setErrs().entrySet())
                        .onItem().transformToUniAndConcatenate(e -> outbox.receiverError(clientId, e.getKey(), e.getValue()))
                        .collect().last())
                .replaceWithVoid();
        long deadline = System.currentTimeMillis() + config.pollWait().toMillis();
        boolean wait = !request.returnImmediately() && request.maxEvents() > 0;
        return reported.flatMap(v -> sets(clientId, request.maxEvents(), wait ? deadline : 0))
                .map(NoStore::json);
    }

    /** The app's pending SETs (signed now when they never were), re-checked on a timer until the deadline while there are none. */
    private Uni<Map<String, Object>> sets(String clientId, int max, long deadline) {
        if (max == 0) {
            return Uni.createFrom().item(body(new LinkedHashMap<>(), false));
        }
        return outbox.available(clientId, max + 1, config.pollRetention()).flatMap(events -> {
            if (events.isEmpty() && System.currentTimeMillis() + RECHECK_MS < deadline) {
                return Uni.createFrom().<Void>emitter(em -> vertx.setTimer(RECHECK_MS, id -> em.complete(null)))
                        .flatMap(v -> sets(clientId, max, deadline));
            }
            boolean more = events.size() > max;
            List<OutboxEvent> returned = more ? events.subList(0, max) : events;
            Map<String, Object> sets = new LinkedHashMap<>();
            return Multi.createFrom().iterable(new ArrayList<>(returned))
                    .onItem().transformToUniAndConcatenate(e -> e.setJwt() != null
                            ? Uni.createFrom().item(Map.entry(e.jti(), e.setJwt()))
                            : outbox.storePolled(e.id(), signer.set(e)).map(set -> Map.entry(e.jti(), set)))
                    .collect().asList()
                    .map(entries -> {
                        entries.forEach(en -> sets.put(en.getKey(), en.getValue()));
                        return body(sets, more);
                    });
        });
    }

    private static Map<String, Object> body(Map<String, Object> sets, boolean more) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("sets", sets);
        body.put("moreAvailable", more);
        return body;
    }

    /** RFC 8936 §2.4: every member optional; anything of the wrong type is invalid_request. */
    private static Request read(String body) {
        JsonObject json;
        try {
            json = body == null || body.isBlank() ? new JsonObject() : new JsonObject(body);
        } catch (DecodeException | ClassCastException e) {
            throw OAuthException.invalidRequest("The body must be a JSON object");
        }
        try {
            Integer max = json.getInteger("maxEvents");
            if (max != null && (max < 0 || max > MAX_EVENTS)) {
                throw OAuthException.invalidRequest("maxEvents must be from 0 to " + MAX_EVENTS);
            }
            Boolean immediately = json.getBoolean("returnImmediately");
            List<String> ack = new ArrayList<>();
            JsonArray acks = json.getJsonArray("ack");
            if (acks != null) {
                if (acks.size() > MAX_EVENTS) {
                    throw OAuthException.invalidRequest("ack may name at most " + MAX_EVENTS + " events");
                }
                for (Object jti : acks) {
                    ack.add(jti(jti));
                }
            }
            Map<String, String> errors = new LinkedHashMap<>();
            JsonObject errs = json.getJsonObject("setErrs");
            if (errs != null) {
                if (errs.size() > MAX_EVENTS) {
                    throw OAuthException.invalidRequest("setErrs may name at most " + MAX_EVENTS + " events");
                }
                for (String jti : errs.fieldNames()) {
                    JsonObject err = errs.getJsonObject(jti);
                    String code = err == null ? null : err.getString("err");
                    String description = err == null ? null : err.getString("description");
                    String error = "receiver: " + (code == null ? "error" : code) + (description == null ? "" : " " + description);
                    errors.put(jti(jti), error.length() > 200 ? error.substring(0, 200) : error);
                }
            }
            return new Request(max == null ? DEFAULT_EVENTS : max, immediately != null && immediately, ack, errors);
        } catch (ClassCastException e) {
            throw OAuthException.invalidRequest("The poll request has a member of the wrong type");
        }
    }

    private static String jti(Object value) {
        if (!(value instanceof String s) || s.isEmpty() || s.length() > MAX_JTI) {
            throw OAuthException.invalidRequest("An event id (jti) must be a string of at most " + MAX_JTI + " characters");
        }
        return s;
    }
}
