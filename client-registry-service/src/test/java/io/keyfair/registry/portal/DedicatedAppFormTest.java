package io.keyfair.registry.portal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import jakarta.ws.rs.core.MultivaluedHashMap;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.keyfair.common.error.OAuthException;
import io.keyfair.registry.client.ClientMetadata;
import io.keyfair.registry.client.ClientMetadataReader;

/** The portal's "new dedicated app" form: plain-word checks, the metadata it becomes, where errors go. */
class DedicatedAppFormTest {

    private static final Set<String> OFFERED = Set.of("openid", "profile", "email", "seller");

    private static DedicatedAppForm form(String name, String uris, String... scopes) {
        MultivaluedHashMap<String, String> body = new MultivaluedHashMap<>();
        body.add("client_name", name);
        body.add("redirect_uris", uris);
        for (String s : scopes) {
            body.add("scope", s);
        }
        return DedicatedAppForm.from(body);
    }

    @Test
    void anEmptyFormGetsOneSentencePerField() {
        Map<String, String> errors = form("  ", "\n \n").check(OFFERED);

        assertEquals("Give your app a name.", errors.get(DedicatedAppForm.NAME));
        assertEquals("Add at least one redirect URI, one per line.", errors.get(DedicatedAppForm.REDIRECT_URIS));
        assertEquals("Choose at least one scope.", errors.get(DedicatedAppForm.SCOPE));
    }

    @Test
    void aScopeThePortalDoesNotOfferIsRefused() {
        assertEquals("Choose only scopes from the list.", form("Sync", "https://a.example/cb", "openid", "admin").check(OFFERED)
                .get(DedicatedAppForm.SCOPE));
    }

    @Test
    void theFormBecomesAnOwnedUntrustedDedicatedAppWithOneRedirectUriPerLine() {
        UUID owner = UUID.randomUUID();
        DedicatedAppForm form = form(" Shop sync ", "https://a.example/cb\r\n\r\n  http://localhost:7000/cb  \n", "openid", "seller");
        assertTrue(form.check(OFFERED).isEmpty());

        ObjectNode json = form.metadata(new ObjectMapper(), owner);
        ClientMetadata metadata = ClientMetadataReader.read(json);

        assertEquals("Shop sync", metadata.clientName());
        assertEquals(List.of("https://a.example/cb", "http://localhost:7000/cb"), metadata.redirectUris());
        assertEquals("openid seller", metadata.scope());
        assertEquals("dedicated", metadata.appType());
        assertEquals(owner, metadata.ownerUserId());
        assertFalse(metadata.trusted());
        assertTrue(metadata.confidential());
        assertEquals(List.of("authorization_code", "refresh_token"), metadata.grantTypes());
    }

    @Test
    void registryErrorsGoNextToTheFieldTheyName() {
        assertEquals(DedicatedAppForm.REDIRECT_URIS, DedicatedAppForm.fieldOf(
                OAuthException.invalidRedirectUri("redirect_uris: a URI must not contain a fragment")));
        assertEquals(DedicatedAppForm.NAME, DedicatedAppForm.fieldOf(
                OAuthException.invalidClientMetadata("client_name must be at most 200 characters")));
        assertEquals(DedicatedAppForm.SCOPE, DedicatedAppForm.fieldOf(
                OAuthException.invalidClientMetadata("scope names a scope that is not in the catalog: x")));
        assertEquals(DedicatedAppForm.FORM, DedicatedAppForm.fieldOf(
                OAuthException.invalidClientMetadata("owner_user_id names no existing user")));
        assertEquals("redirect_uris: a URI must not contain a fragment.", DedicatedAppForm.sentence(
                OAuthException.invalidRedirectUri("redirect_uris: a URI must not contain a fragment")));
    }
}
