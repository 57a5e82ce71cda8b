package io.keyfair.registry.portal;

import jakarta.enterprise.context.ApplicationScoped;

import io.keyfair.common.log.RequestIds;
import io.quarkus.oidc.common.OidcRequestFilter;

/**
 * The portal's and console's sign-in calls Keyfair's own endpoints (discovery, token, JWKS)
 * through the ingress: they carry the request id of the page request that made them, so both
 * services' log lines of one sign-in share it.
 */
@ApplicationScoped
public class RequestIdToIssuer implements OidcRequestFilter {

    @Override
    public void filter(OidcRequestContext context) {
        String id = RequestIds.current();
        if (id != null) {
            context.request().putHeader(RequestIds.HEADER, id);
        }
    }
}
