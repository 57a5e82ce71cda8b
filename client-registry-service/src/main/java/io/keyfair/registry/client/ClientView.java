package io.keyfair.registry.client;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonUnwrapped;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * A client as the admin API shows it: its metadata, id, status and times. Never the secret nor
 * its digest.
 *
 * @param statusNote the admin's note on a reject or suspend (`{"note"}`), which the app's developer
 *        sees; null otherwise, and cleared by an approval
 * @param suspendedReason why a suspended client is suspended: the rule's word when the policy did it
 *        (`refresh_token_reuse`, `rate_limit_excess`), the admin's note (if any) when an admin did;
 *        null otherwise
 * @param suspendedBy who suspended a suspended client: `admin`, or `policy` for an abuse rule
 *        (CONTRACT "Errors, limits, bad input"); null otherwise
 * @param clientIdIssuedAt epoch seconds (RFC 7591 §3.2.1)
 * @param updatedAt epoch seconds of the last change
 */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ClientView(
        @JsonProperty("client_id") String clientId,
        @JsonUnwrapped ClientMetadata metadata,
        @JsonProperty("status") String status,
        @JsonProperty("status_note") String statusNote,
        @JsonProperty("suspended_reason") String suspendedReason,
        @JsonProperty("suspended_by") String suspendedBy,
        @JsonProperty("client_id_issued_at") long clientIdIssuedAt,
        @JsonProperty("updated_at") long updatedAt) {
}
