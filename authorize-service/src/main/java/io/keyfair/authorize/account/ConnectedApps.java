package io.keyfair.authorize.account;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import io.keyfair.common.connection.Connections;
import io.keyfair.common.connection.Connections.Connection;
import io.keyfair.common.scope.SpaceDelimited;
import io.smallrye.mutiny.Uni;

/**
 * The user's live grants with what the account page shows of each: common's {@link Connections},
 * so the page and the admin API agree on every connection's state.
 */
@ApplicationScoped
public class ConnectedApps {

    /** More apps than any one account connects; the page lists them all. */
    private static final int MAX_APPS = 500;

    private final Connections connections;

    ConnectedApps(Connections connections) {
        this.connections = connections;
    }

    public Uni<List<ConnectedApp>> of(String userId) {
        return connections.ofUser(userId, Optional.empty(), Optional.empty(), MAX_APPS)
                .map(page -> page.connections().stream()
                        .filter(c -> !"revoked".equals(c.state()))
                        .map(ConnectedApps::app)
                        .sorted(java.util.Comparator.comparing((ConnectedApp a) -> a.clientName().toLowerCase())
                                .thenComparing(ConnectedApp::clientId))
                        .toList());
    }

    private static ConnectedApp app(Connection c) {
        return new ConnectedApp(c.clientId(), c.clientName(), c.logoUri(), List.copyOf(SpaceDelimited.parse(c.scope())),
                c.firstGrantedAt().toEpochSecond(), epochSeconds(c.lastUsedAt()), c.state());
    }

    private static Long epochSeconds(OffsetDateTime time) {
        return time == null ? null : time.toEpochSecond();
    }
}
