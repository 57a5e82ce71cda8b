package io.keyfair.common.token;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import io.keyfair.common.client.ClientDirectory;

/**
 * Readiness detail on the Redis mirrors: whether the revocation mirror is trusted and whether
 * client changes are heard. Both recover by themselves once Redis answers, and neither makes the
 * service unready: while the mirror is rebuilt, revocation checks ask PostgreSQL (fail closed),
 * and while changes are not heard, client entries live at most a second. Redis and PostgreSQL
 * themselves have their own checks.
 */
@Readiness
@ApplicationScoped
public class RevocationMirrorCheck implements HealthCheck {

    private final RevocationMirror mirror;
    private final ClientDirectory clients;

    RevocationMirrorCheck(RevocationMirror mirror, ClientDirectory clients) {
        this.mirror = mirror;
        this.clients = clients;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("Redis mirrors")
                .up()
                .withData("revocations", mirror.isTrusted() ? "trusted" : "rebuilding (checks ask PostgreSQL)")
                .withData("client_changes", clients.isListening() ? "heard" : "not heard (entries live 1 s)")
                .build();
    }
}
