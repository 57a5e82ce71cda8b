package io.keyfair.registry.approval;

import java.util.Set;

import io.keyfair.common.client.ClientStatus;

/**
 * A step in a client's approval lifecycle: the status it leads to, the statuses it may start
 * from, and the audit event it records. Only approved clients authorize or get tokens.
 */
enum Transition {
    /** Also reinstates a client that was suspended, by an admin or automatically for abuse. */
    APPROVE("approved", ClientStatus.APPROVED, Set.of(ClientStatus.PENDING, ClientStatus.REJECTED, ClientStatus.SUSPENDED)),
    REJECT("rejected", ClientStatus.REJECTED, Set.of(ClientStatus.PENDING, ClientStatus.SUSPENDED)),
    /** Every access token of the client stops working at once. */
    SUSPEND("suspended", ClientStatus.SUSPENDED, Set.of(ClientStatus.PENDING, ClientStatus.APPROVED));

    final String verb;
    final ClientStatus target;
    final Set<ClientStatus> from;

    Transition(String verb, ClientStatus target, Set<ClientStatus> from) {
        this.verb = verb;
        this.target = target;
        this.from = from;
    }

    String auditType() {
        return "client." + verb;
    }
}
