package io.keyfair.common.error;

import com.fasterxml.jackson.annotation.JsonProperty;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** RFC 6749 §5.2 error response. */
@RegisterForReflection
public record ErrorBody(String error, @JsonProperty("error_description") String errorDescription) {
}
