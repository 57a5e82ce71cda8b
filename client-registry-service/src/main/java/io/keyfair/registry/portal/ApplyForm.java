package io.keyfair.registry.portal;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import jakarta.ws.rs.core.MultivaluedMap;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.keyfair.common.error.OAuthException;
import io.keyfair.registry.client.ClientMetadata;

/**
 * The "apply for a third-party app" form: what a dedicated app asks for, plus a logo, terms and
 * privacy links and a required reason for the operators who review it. It becomes the same
 * RFC 7591 metadata an admin would send (`app_type: third_party`, the applicant as owner).
 */
public record ApplyForm(DedicatedAppForm base, String logoUri, String tosUri, String policyUri, String reason) {

    public static final String LOGO_URI = "logo_uri";
    public static final String TOS_URI = "tos_uri";
    public static final String POLICY_URI = "policy_uri";
    public static final String REASON = "reason";

    public static ApplyForm from(MultivaluedMap<String, String> form) {
        return new ApplyForm(DedicatedAppForm.from(form), field(form, LOGO_URI), field(form, TOS_URI), field(form, POLICY_URI),
                field(form, REASON));
    }

    /** The plain-word checks: the dedicated app's, and a reason. */
    public Map<String, String> check(Set<String> offered) {
        Map<String, String> errors = new LinkedHashMap<>(base.check(offered));
        if (reason.isEmpty()) {
            errors.put(REASON, "Tell the operators what your app does and why it needs these scopes.");
        }
        return errors;
    }

    public ObjectNode metadata(ObjectMapper mapper, UUID applicant) {
        ObjectNode json = base.metadata(mapper, applicant);
        json.put("app_type", ClientMetadata.APP_THIRD_PARTY);
        json.put("reason", reason);
        for (Map.Entry<String, String> link : Map.of(LOGO_URI, logoUri, TOS_URI, tosUri, POLICY_URI, policyUri).entrySet()) {
            if (!link.getValue().isEmpty()) {
                json.put(link.getKey(), link.getValue());
            }
        }
        return json;
    }

    /** The field a registry error belongs to. */
    public static String fieldOf(OAuthException e) {
        String d = e.description() == null ? "" : e.description();
        for (String member : List.of(LOGO_URI, TOS_URI, POLICY_URI, REASON)) {
            if (d.startsWith(member)) {
                return member;
            }
        }
        return DedicatedAppForm.fieldOf(e);
    }

    private static String field(MultivaluedMap<String, String> form, String name) {
        String value = form.getFirst(name);
        return value == null ? "" : value.strip();
    }
}
