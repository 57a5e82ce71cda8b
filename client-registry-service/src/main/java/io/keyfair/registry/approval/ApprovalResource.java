package io.keyfair.registry.approval;


import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import io.keyfair.common.admin.AdminCaller;
import io.keyfair.common.error.OAuthException;
import io.keyfair.registry.JsonBody;
import io.keyfair.registry.client.ClientView;
import io.smallrye.mutiny.Uni;

/**
 * `POST /admin/clients/{id}/approve`, `/reject` and `/suspend`, each with an optional body
 * `{"note": "…"}` (`{"reason": "…"}` is still read when there is no note) that the app's developer
 * sees as `status_note` after a reject or suspend; an approval records it in the audit event only.
 * 200 with the client; 409 `conflict` when the client's status does not allow the step.
 */
@Path("/admin/clients/{id}")
@Produces(MediaType.APPLICATION_JSON)
public class ApprovalResource {


    private final Approvals approvals;
    private final AdminCaller caller;

    ApprovalResource(Approvals approvals, AdminCaller caller) {
        this.approvals = approvals;
        this.caller = caller;
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
        return approvals.apply(step, id, reason, caller.clientId());
    }

    /** The admin's `note`, or the older `reason` member when there is no note. */
    private static String note(JsonBody json) {
        String note = json.string("note");
        if (note == null) {
            note = json.string("reason");
        }
        if (note != null && note.length() > Approvals.MAX_NOTE) {
            throw OAuthException.invalidRequest("note must be at most " + Approvals.MAX_NOTE + " characters");
        }
        return note == null || note.isBlank() ? null : note.strip();
    }
}
