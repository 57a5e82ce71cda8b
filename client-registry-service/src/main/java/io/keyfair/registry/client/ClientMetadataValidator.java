package io.keyfair.registry.client;

import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.keyfair.common.error.OAuthException;
import io.keyfair.common.scope.Scope;
import io.keyfair.common.scope.ScopeCatalog;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Client metadata as {@link ClientMetadataReader} reads it, plus the checks that need a lookup:
 * every scope is in the catalog, a restricted scope (`admin`, `ssf.manage`, `ssf.read`) goes only
 * to a confidential client with the client_credentials grant, and a dedicated app's owner is an existing user. Run before
 * anything is written, so that no bad value ever reaches a database constraint.
 */
@ApplicationScoped
public class ClientMetadataValidator {

    private final ScopeCatalog catalog;
    private final Pool pool;

    ClientMetadataValidator(ScopeCatalog catalog, Pool pool) {
        this.catalog = catalog;
        this.pool = pool;
    }

    public Uni<ClientMetadata> validate(ObjectNode json) {
        ClientMetadata metadata = ClientMetadataReader.read(json);
        return catalog.all()
                .invoke(scopes -> checkScopes(metadata, scopes))
                .flatMap(ignored -> checkOwner(metadata))
                .replaceWith(metadata);
    }

    private static void checkScopes(ClientMetadata metadata, Map<String, Scope> catalog) {
        for (String name : metadata.scopes()) {
            Scope scope = catalog.get(name);
            if (scope == null) {
                throw OAuthException.invalidClientMetadata("scope names a scope that is not in the catalog: " + name);
            }
            // CONTRACT: a restricted scope is only ever granted by client_credentials
            if (scope.restricted() && !(metadata.confidential()
                    && metadata.grantTypes().contains(ClientMetadataReader.CLIENT_CREDENTIALS))) {
                throw OAuthException.invalidClientMetadata(
                        "The " + name + " scope is only for a confidential client with the client_credentials grant");
            }
        }
    }

    private Uni<Void> checkOwner(ClientMetadata metadata) {
        if (metadata.ownerUserId() == null) {
            return Uni.createFrom().voidItem();
        }
        return pool.preparedQuery("select 1 from users where id = $1").execute(Tuple.of(metadata.ownerUserId()))
                .invoke(rows -> {
                    if (rows.size() == 0) {
                        throw OAuthException.invalidClientMetadata("owner_user_id names no existing user");
                    }
                })
                .replaceWithVoid();
    }
}
