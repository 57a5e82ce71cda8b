package io.keyfair.registry.portal;

import java.util.Map;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.keyfair.common.client.ClientStatus;
import io.keyfair.common.error.OAuthException;
import io.keyfair.registry.client.ClientMetadataValidator;
import io.keyfair.registry.client.ClientRegistrar;
import io.keyfair.registry.client.RegisteredClient;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Applications for third-party apps: who may apply ({@link PortalConfig#applyRequires()}), the
 * per-user limit, then the registry's own validation and registration as `pending`, audited
 * `client.created` by `user:<id>`.
 */
@ApplicationScoped
public class Applications {

    /** The outcome: the new app, or errors by form field. */
    public record Outcome(RegisteredClient registered, Map<String, String> errors) {
    }

    private final Pool pool;
    private final OwnedApps owned;
    private final ClientMetadataValidator validator;
    private final ClientRegistrar registrar;
    private final PortalConfig config;
    private final ObjectMapper mapper;

    Applications(Pool pool, OwnedApps owned, ClientMetadataValidator validator, ClientRegistrar registrar, PortalConfig config,
            ObjectMapper mapper) {
        this.pool = pool;
        this.owned = owned;
        this.validator = validator;
        this.registrar = registrar;
        this.config = config;
        this.mapper = mapper;
    }

    /** Whether this user may apply: everyone under `any`, else verified sellers. */
    public Uni<Boolean> mayApply(UUID user) {
        if ("any".equals(config.applyRequires())) {
            return Uni.createFrom().item(true);
        }
        return pool.preparedQuery("select seller_verified from users where id = $1").execute(Tuple.of(user))
                .map(rows -> rows.size() > 0 && Boolean.TRUE.equals(rows.iterator().next().getBoolean("seller_verified")));
    }

    public Uni<Outcome> apply(UUID user, ApplyForm form, Set<String> offered) {
        Map<String, String> errors = form.check(offered);
        if (!errors.isEmpty()) {
            return Uni.createFrom().item(new Outcome(null, errors));
        }
        return mayApply(user).flatMap(may -> {
            if (!may) {
                return Uni.createFrom().item(new Outcome(null, Map.of(DedicatedAppForm.FORM,
                        "Only verified sellers may apply for a third-party app.")));
            }
            return owned.count(user).flatMap(count -> count >= config.maxAppsPerUser()
                    ? Uni.createFrom().item(new Outcome(null, Map.of(DedicatedAppForm.FORM,
                            "You already own " + count + " apps, the most one account may have. Delete one first.")))
                    // deferred: the reader throws before any Uni exists, and its errors belong on the form
                    : Uni.createFrom().deferred(() -> validator.validate(form.metadata(mapper, user)))
                            .flatMap(metadata -> registrar.register(metadata, ClientStatus.PENDING, "client.created", "user:" + user))
                            .map(registered -> new Outcome(registered, Map.of()))
                            .onFailure(OAuthException.class).recoverWithItem(e -> {
                                OAuthException o = (OAuthException) e;
                                return new Outcome(null, Map.of(ApplyForm.fieldOf(o), DedicatedAppForm.sentence(o)));
                            }));
        });
    }
}
