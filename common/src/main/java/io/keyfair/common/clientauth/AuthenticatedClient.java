package io.keyfair.common.clientauth;

import io.keyfair.common.client.ClientRecord;

/**
 * A client whose identity the endpoint has established.
 *
 * @param confidential it proved a secret; false for a public client identified by its id
 */
public record AuthenticatedClient(ClientRecord client, boolean confidential) {

    public String clientId() {
        return client.clientId();
    }
}
