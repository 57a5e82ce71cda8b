package io.keyfair.registry.scope;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * One catalog entry as the admin API shows it.
 *
 * @param description shown to users on the consent page
 * @param restricted granted only by client_credentials to clients an admin allowed it
 */
@RegisterForReflection
public record ScopeView(String name, String description, boolean restricted) {
}
