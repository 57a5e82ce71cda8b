package io.keyfair.authorize.user;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** The answer to `POST /admin/users`. */
@RegisterForReflection
public record CreatedUser(String id) {
}
