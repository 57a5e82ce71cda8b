package io.keyfair.registry.portal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import jakarta.ws.rs.core.MultivaluedMap;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.keyfair.common.error.OAuthException;
import io.keyfair.registry.client.ClientMetadata;
import io.keyfair.registry.client.ClientMetadataReader;

/**
 * The "new dedicated app" form as submitted: a name, redirect URIs one per line, the ticked
 * scopes. It turns into the same RFC 7591 metadata an admin would send, so the registry's own
 * reader and validator judge it; this class only adds the checks a person needs in plain words
 * first, and says which field a registry error belongs to.
 */
public record DedicatedAppForm(String name, String redirectUris, List<String> scopes) {

    /** The form's fields, as the page names its inputs. */
    public static final String NAME = "client_name";
    public static final String REDIRECT_URIS = "redirect_uris";
    public static final String SCOPE = "scope";
    /** Errors that belong to no one field. */
    public static final String FORM = "form";

    public static DedicatedAppForm from(MultivaluedMap<String, String> form) {
        String name = form.getFirst(NAME);
        String uris = form.getFirst(REDIRECT_URIS);
        List<String> scopes = form.get(SCOPE);
        return new DedicatedAppForm(name == null ? "" : name.strip(), uris == null ? "" : uris,
                scopes == null ? List.of() : List.copyOf(scopes));
    }

    /** The redirect URIs, one per non-empty line. */
    public List<String> redirectUriList() {
        List<String> out = new ArrayList<>();
        for (String line : redirectUris.split("\r\n|\r|\n")) {
            if (!line.isBlank()) {
                out.add(line.strip());
            }
        }
        return out;
    }

    /**
     * The checks a person should read in plain words before the registry's own: field name to
     * message, empty when the form may go to the registry.
     *
     * @param offered the scopes the portal offers (the catalog without restricted scopes)
     */
    public Map<String, String> check(Set<String> offered) {
        Map<String, String> errors = new LinkedHashMap<>();
        if (name.isEmpty()) {
            errors.put(NAME, "Give your app a name.");
        }
        if (redirectUriList().isEmpty()) {
            errors.put(REDIRECT_URIS, "Add at least one redirect URI, one per line.");
        }
        if (scopes.isEmpty()) {
            errors.put(SCOPE, "Choose at least one scope.");
        } else {
            for (String s : scopes) {
                if (!offered.contains(s)) {
                    errors.put(SCOPE, "Choose only scopes from the list.");
                }
            }
        }
        return errors;
    }

    /** The metadata of a dedicated app of this owner: confidential, code + refresh, never trusted. */
    public ObjectNode metadata(ObjectMapper mapper, UUID owner) {
        ObjectNode json = mapper.createObjectNode();
        json.put("client_name", name);
        ArrayNode uris = json.putArray("redirect_uris");
        redirectUriList().forEach(uris::add);
        ArrayNode grants = json.putArray("grant_types");
        grants.add(ClientMetadataReader.AUTHORIZATION_CODE).add(ClientMetadataReader.REFRESH_TOKEN);
        json.put("scope", String.join(" ", scopes));
        json.put("token_endpoint_auth_method", "client_secret_basic");
        json.put("app_type", ClientMetadata.APP_DEDICATED);
        json.put("owner_user_id", owner.toString());
        return json;
    }

    /** The field a registry error belongs to, by the member its description names. */
    public static String fieldOf(OAuthException e) {
        String d = e.description() == null ? "" : e.description();
        if (d.startsWith("client_name")) {
            return NAME;
        }
        if (d.contains("redirect")) {
            return REDIRECT_URIS;
        }
        if (d.contains("scope")) {
            return SCOPE;
        }
        return FORM;
    }

    /** A registry error as a sentence: its description, with a full stop. */
    public static String sentence(OAuthException e) {
        String d = e.description() == null || e.description().isBlank() ? "This value is not accepted" : e.description();
        return d.endsWith(".") ? d : d + ".";
    }
}
