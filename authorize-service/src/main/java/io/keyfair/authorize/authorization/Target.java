package io.keyfair.authorize.authorization;

import io.keyfair.common.client.ClientRecord;

/**
 * Where an authorization response may go, established before anything else: an approved client
 * and one of its registered redirect URIs. Until there is one, errors are pages, never redirects.
 *
 * @param redirectUri the redirect URI as sent, or null when omitted
 * @param state the `state` to echo, or null
 */
public record Target(ClientRecord client, String redirectUri, String effectiveRedirectUri, String state) {
}
