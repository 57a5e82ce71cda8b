package io.keyfair.common.scope;

/**
 * One entry of the scope catalog.
 *
 * @param restricted granted only by client_credentials to clients an admin registered it for
 */
public record Scope(String name, String description, boolean restricted) {
}
