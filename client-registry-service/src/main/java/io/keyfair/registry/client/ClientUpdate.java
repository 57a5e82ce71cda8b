package io.keyfair.registry.client;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.keyfair.common.client.ClientStatus;
import io.keyfair.registry.ssf.Streams;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * An RFC 7396 merge of metadata members into a client, validated as a whole exactly like a
 * registration: the one core behind the admin API's `PATCH /admin/clients/{id}` and the developer
 * portal's edit form. A changed `events_uri` moves the SSF push stream with it. Callers check
 * which members may change ({@link ClientsResource#FIXED_MEMBERS}) before.
 */
@ApplicationScoped
public class ClientUpdate {

    /**
     * What an update did.
     *
     * @param backToReview whether the change sent a third-party app back to `pending`
     */
    public record Updated(ClientView client, boolean backToReview) {
    }

    private final Pool pool;
    private final Clients clients;
    private final ClientMetadataValidator validator;
    private final ClientEvents events;
    private final Streams streams;
    private final ObjectMapper mapper;
    private final Clock clock;

    ClientUpdate(Pool pool, Clients clients, ClientMetadataValidator validator, ClientEvents events, Streams streams,
            ObjectMapper mapper, Clock clock) {
        this.pool = pool;
        this.clients = clients;
        this.validator = validator;
        this.events = events;
        this.streams = streams;
        this.mapper = mapper;
        this.clock = clock;
    }

    /**
     * Applies the patch, audited `client.updated` with the member names (never their values) by
     * {@code actor}.
     *
     * @param reviewChanges when a third-party app's redirect URIs or scope change, it goes back to
     *        `pending` in the same transaction (the portal: an operator approved other URIs than
     *        these); an operator's own edits through the admin API do not
     */
    public Uni<Updated> patch(String id, ObjectNode patch, String actor, boolean reviewChanges) {
        Map<String, Object> detail = new HashMap<>();
        detail.put("members", List.copyOf(members(patch)));
        return pool.withTransaction(tx -> clients.requireForUpdate(tx, id)
                        .flatMap(client -> validator.validate(merge(client.metadata(), patch))
                                .call(metadata -> streams.followEventsUri(tx, id, client.metadata().eventsUri(), metadata.eventsUri()))
                                .flatMap(metadata -> {
                                    Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
                                    boolean review = reviewChanges && needsReview(client, metadata);
                                    Uni<ClientView> updated = clients.updateMetadata(tx, client, metadata, now);
                                    if (!review) {
                                        return updated.map(view -> new Updated(view, false));
                                    }
                                    detail.put("back_to_review_from", client.status());
                                    return updated.flatMap(view -> clients.updateStatus(tx, view, ClientStatus.PENDING, null, now))
                                            .map(view -> new Updated(view, true));
                                })))
                .call(updated -> events.changed("client.updated", id, actor, detail));
    }

    /** A third-party app not already pending whose redirect URIs or scope changed. */
    static boolean needsReview(ClientView client, ClientMetadata next) {
        ClientMetadata before = client.metadata();
        return !before.dedicated() && !ClientStatus.PENDING.value().equals(client.status())
                && (!asSet(before.redirectUris()).equals(asSet(next.redirectUris())) || !Set.copyOf(before.scopes()).equals(Set.copyOf(next.scopes())));
    }

    private static Set<String> asSet(List<String> values) {
        return values == null ? Set.of() : Set.copyOf(values);
    }

    private ObjectNode merge(ClientMetadata current, ObjectNode patch) {
        ObjectNode merged = mapper.valueToTree(current);
        patch.fields().forEachRemaining(member -> {
            if (member.getValue().isNull()) {
                merged.remove(member.getKey());
            } else {
                merged.set(member.getKey(), member.getValue());
            }
        });
        return merged;
    }

    /** The member names of a patch, sorted. */
    public static Set<String> members(ObjectNode json) {
        Set<String> names = new TreeSet<>();
        json.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
