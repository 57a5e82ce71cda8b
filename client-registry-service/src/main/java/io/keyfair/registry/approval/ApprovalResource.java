package io.keyfair.registry.approval;

import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import io.keyfair.common.admin.AdminCaller;
import io.keyfair.common.client.ClientStatus;
import io.keyfair.common.config.AdminClientConfig;
import io.keyfair.common.error.OAuthError;
import io.keyfair.common.error.OAuthException;
import io.keyfair.common.events.SecurityEvents;
import io.keyfair.common.events.SecurityEvents.Initiator;
import io.keyfair.common.token.RevocationList;
import io.keyfair.registry.JsonBody;
import io.keyfair.registry.client.ClientEvents;
import io.keyfair.registry.client.ClientView;
import io.keyfair.registry.client.Clients;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlClient;

/**
 * `POST /admin/clients/{id}/approve`, `/reject` and `/suspend`, each with an optional body
 * `{"note": "…"}` (`{"reason": "…"}` is still read when there is no note) that the app's developer
 * sees as `status_note` after a reject or suspend; an approval records it in the audit event only.
 * 200 with the client; 409 `conflict` when the client's status does not allow the step.
 */
@Path("/admin/clients/{id}")
@Produces(MediaType.APPLICATION_JSON)
public class ApprovalResource {

    private static final int MAX_REASON = 2000;

    private final Pool pool;
    private final Clients clients;
    private final ClientEvents events;
    private final RevocationList revocations;
    private final AdminClientConfig adminClient;
    private final AdminCaller caller;
    private final Clock clock;

    ApprovalResource(Pool pool, Clients clients, ClientEvents events, RevocationList revocations,
            AdminClientConfig adminClient, AdminCaller caller, Clock clock) {
        this.pool = pool;
        this.clients = clients;
        this.events = events;
        this.revocations = revocations;
        this.adminClient = adminClient;
        this.caller = caller;
        this.clock = clock;
    }

    @POST
    @Path("approve")
    public Uni<ClientView> approve(@PathParam("id") String id, String body) {
        return apply(Transition.APPROVE, id, body);
    }

    @POST
    @Path("reject")
    public Uni<ClientView> reject(@PathParam("id") String id, String body) {
        return apply(Transition.REJECT, id, body);
    }

    @POST
    @Path("suspend")
    public Uni<ClientView> suspend(@PathParam("id") String id, String body) {
        return apply(Transition.SUSPEND, id, body);
    }

    private Uni<ClientView> apply(Transition step, String id, String body) {
        String reason = note(JsonBody.optional(body, OAuthException::invalidRequest));
        if (step != Transition.APPROVE && adminClient.isAdminClient(id)) {
            throw OAuthException.invalidRequest("The bootstrap admin client cannot be " + step.verb);
        }
        String actor = caller.clientId();
        Map<String, Object> detail = new HashMap<>();
        // repeating a step is a no-op, so operators and scripts can retry it safely
        AtomicBoolean unchanged = new AtomicBoolean();
        return pool.withTransaction(tx -> clients.requireForUpdate(tx, id)
                        .flatMap(client -> {
                            ClientStatus from = ClientStatus.of(client.status());
                            if (from == step.target) {
                                unchanged.set(true);
                                return Uni.createFrom().item(client);
                            }
                            if (!step.from.contains(from)) {
                                throw OAuthException.of(OAuthError.CONFLICT,
                                        "A " + from.value() + " client cannot be " + step.verb);
                            }
                            detail.put("from", from.value());
                            // the app hears of it in this transaction, before its connections stop being live
                            return securityEvents(tx, id, from, step, reason)
                                    .flatMap(n -> clients.updateStatus(tx, client, step.target, reason,
                                            clock.instant().truncatedTo(ChronoUnit.MICROS)));
                        })
                        // cut the tokens off before the commit, so a failure leaves them cut off
                        .call(client -> cutsTokens(step, unchanged) ? revocations.revokeAllOfClient(id, "client_suspended") : Uni.createFrom().voidItem()))
                .call(client -> {
                    if (unchanged.get()) {
                        return Uni.createFrom().voidItem();
                    }
                    if (reason != null) {
                        detail.put("reason", reason);
                    }
                    return events.changed(step.auditType(), id, actor, detail);
                })
                // and again once every cache was told, so no token minted from a stale entry survives
                .call(client -> cutsTokens(step, unchanged) ? revocations.revokeAllOfClient(id, "client_suspended") : Uni.createFrom().voidItem());
    }

    /**
     * Suspension: a CAEP session-revoked for every live connection and the stream now `disabled`;
     * reinstatement: the stream `enabled` again (SSF stream-updated).
     */
    private static Uni<Integer> securityEvents(SqlClient tx, String clientId, ClientStatus from, Transition step, String reason) {
        String txn = SecurityEvents.newTxn();
        if (step == Transition.SUSPEND) {
            return SecurityEvents.sessionRevoked(tx, txn, clientId, null, null, Initiator.ADMIN, null)
                    .flatMap(n -> SecurityEvents.streamUpdated(tx, txn, clientId, "disabled",
                            reason != null ? reason : "The app was suspended by an administrator"));
        }
        if (step == Transition.APPROVE && from == ClientStatus.SUSPENDED) {
            return SecurityEvents.streamUpdated(tx, txn, clientId, "enabled", "The app was reinstated");
        }
        return Uni.createFrom().item(0);
    }

    private static boolean cutsTokens(Transition step, AtomicBoolean unchanged) {
        return step == Transition.SUSPEND && !unchanged.get();
    }

    /** The admin's `note`, or the older `reason` member when there is no note. */
    private static String note(JsonBody json) {
        String note = json.string("note");
        if (note == null) {
            note = json.string("reason");
        }
        if (note != null && note.length() > MAX_REASON) {
            throw OAuthException.invalidRequest("note must be at most " + MAX_REASON + " characters");
        }
        return note == null || note.isBlank() ? null : note.strip();
    }
}
