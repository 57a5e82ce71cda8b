package io.keyfair.registry.portal;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.ws.rs.core.MultivaluedMap;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.keyfair.common.error.OAuthException;

/**
 * The app page's edit form as submitted: name, logo, terms and privacy links, redirect URIs one
 * per line. It becomes the same RFC 7396 patch an operator would send, with only these members:
 * whatever else a browser posts (an `app_type`, an owner) is never read, so the type of an app
 * cannot change here. An empty link removes it.
 */
public record AppEditForm(String name, String logoUri, String tosUri, String policyUri, String redirectUris) {

    public static final String NAME = "client_name";
    public static final String LOGO_URI = "logo_uri";
    public static final String TOS_URI = "tos_uri";
    public static final String POLICY_URI = "policy_uri";
    public static final String REDIRECT_URIS = "redirect_uris";
    public static final String FORM = "form";

    public static AppEditForm from(MultivaluedMap<String, String> form) {
        return new AppEditForm(field(form, NAME), field(form, LOGO_URI), field(form, TOS_URI), field(form, POLICY_URI),
                form.getFirst(REDIRECT_URIS) == null ? "" : form.getFirst(REDIRECT_URIS));
    }

    /** The redirect URIs, one per non-empty line. */
    public List<String> redirectUriList() {
        return new DedicatedAppForm("", redirectUris, List.of()).redirectUriList();
    }

    /** The checks a person should read in plain words before the registry's own. */
    public Map<String, String> check() {
        Map<String, String> errors = new LinkedHashMap<>();
        if (name.isEmpty()) {
            errors.put(NAME, "Give your app a name.");
        }
        if (redirectUriList().isEmpty()) {
            errors.put(REDIRECT_URIS, "Add at least one redirect URI, one per line.");
        }
        return errors;
    }

    /** The merge patch: every field of the form, an empty link as `null` (removed). */
    public ObjectNode patch(ObjectMapper mapper) {
        ObjectNode json = mapper.createObjectNode();
        json.put(NAME, name);
        link(json, LOGO_URI, logoUri);
        link(json, TOS_URI, tosUri);
        link(json, POLICY_URI, policyUri);
        ArrayNode uris = json.putArray(REDIRECT_URIS);
        redirectUriList().forEach(uris::add);
        return json;
    }

    /** The field a registry error belongs to, by the member its description names. */
    public static String fieldOf(OAuthException e) {
        String d = e.description() == null ? "" : e.description();
        for (String member : List.of(NAME, LOGO_URI, TOS_URI, POLICY_URI)) {
            if (d.startsWith(member)) {
                return member;
            }
        }
        return d.contains("redirect") ? REDIRECT_URIS : FORM;
    }

    private static void link(ObjectNode json, String member, String value) {
        if (value.isEmpty()) {
            json.putNull(member);
        } else {
            json.put(member, value);
        }
    }

    private static String field(MultivaluedMap<String, String> form, String name) {
        String value = form.getFirst(name);
        return value == null ? "" : value.strip();
    }
}
