package io.keyfair.authorize.account;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonProperty;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * One app the user granted access to, as `/account/apps` lists it.
 *
 * @param firstGrantedAt epoch seconds
 * @param lastUsedAt epoch seconds of the last code, token or refresh, or null
 * @param state `active`, `idle`, `reauth_required` or `suspended` (CONTRACT.md, "Connections")
 */
@RegisterForReflection
public record ConnectedApp(
        @JsonProperty("client_id") String clientId,
        @JsonProperty("client_name") String clientName,
        @JsonProperty("logo_uri") String logoUri,
        List<String> scopes,
        @JsonProperty("first_granted_at") long firstGrantedAt,
        @JsonProperty("last_used_at") Long lastUsedAt,
        String state) {
}
