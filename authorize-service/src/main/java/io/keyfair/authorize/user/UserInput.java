package io.keyfair.authorize.user;

import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

import io.keyfair.common.error.OAuthException;

/**
 * The user fields of a `POST` or `PATCH /admin/users` body, validated. For a PATCH only the
 * fields in {@link #given()} change; a field given as null clears it where that is allowed.
 */
public record UserInput(
        Set<String> given,
        String username,
        String password,
        String email,
        Boolean emailVerified,
        String name,
        Boolean sellerVerified,
        LocalDate sellerSince,
        List<String> roles) {

    static final Pattern USERNAME = Pattern.compile("[A-Za-z0-9._@+-]{1,128}");
    static final int MIN_PASSWORD = 8;
    /** Argon2 takes any length; this only bounds the work one request can cause. */
    static final int MAX_PASSWORD = 1024;
    /** The WHATWG HTML "valid email address" syntax. */
    static final Pattern EMAIL = Pattern.compile(
            "[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*");
    static final int MAX_EMAIL = 320;
    static final int MAX_NAME = 256;
    static final Pattern ROLE = Pattern.compile("[A-Za-z0-9_:-]{1,64}");
    static final int MAX_ROLES = 64;

    public boolean has(String field) {
        return given.contains(field);
    }

    /** A new user: username and password are required, everything else has a default. */
    public static UserInput forCreate(JsonNode body) {
        UserInput in = read(body);
        if (in.username == null) {
            throw invalid("username is required");
        }
        if (in.password == null) {
            throw invalid("password is required");
        }
        return in;
    }

    /** Changes to a user: any subset of the fields. */
    public static UserInput forUpdate(JsonNode body) {
        return read(body);
    }

    private static UserInput read(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw invalid("The body must be a JSON object");
        }
        Set<String> given = new HashSet<>();
        Iterator<String> names = body.fieldNames();
        names.forEachRemaining(given::add);
        return new UserInput(Set.copyOf(given),
                username(body.get("username")),
                password(body.get("password")),
                email(body.get("email")),
                bool(body, "email_verified"),
                name(body.get("name")),
                bool(body, "seller_verified"),
                date(body.get("seller_since")),
                roles(body.get("roles")));
    }

    private static String username(JsonNode n) {
        if (n == null) {
            return null;
        }
        if (!n.isTextual() || !USERNAME.matcher(n.asText()).matches()) {
            throw invalid("username must be 1 to 128 characters from A-Z, a-z, 0-9 and . _ @ + -");
        }
        return n.asText();
    }

    private static String password(JsonNode n) {
        if (n == null) {
            return null;
        }
        if (!n.isTextual() || n.asText().length() < MIN_PASSWORD) {
            throw invalid("password must be a string of at least " + MIN_PASSWORD + " characters");
        }
        if (n.asText().length() > MAX_PASSWORD) {
            throw invalid("password must be at most " + MAX_PASSWORD + " characters");
        }
        return n.asText();
    }

    private static String email(JsonNode n) {
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isTextual() || n.asText().length() > MAX_EMAIL || !EMAIL.matcher(n.asText()).matches()) {
            throw invalid("email must be a valid email address, or null");
        }
        return n.asText();
    }

    private static String name(JsonNode n) {
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isTextual() || n.asText().length() > MAX_NAME) {
            throw invalid("name must be a string of at most " + MAX_NAME + " characters, or null");
        }
        return n.asText();
    }

    private static Boolean bool(JsonNode body, String field) {
        JsonNode n = body.get(field);
        if (n == null) {
            return null;
        }
        if (!n.isBoolean()) {
            throw invalid(field + " must be true or false");
        }
        return n.booleanValue();
    }

    private static LocalDate date(JsonNode n) {
        if (n == null || n.isNull()) {
            return null;
        }
        try {
            if (n.isTextual() && n.asText().length() == 10) {
                return LocalDate.parse(n.asText(), DateTimeFormatter.ISO_LOCAL_DATE);
            }
        } catch (DateTimeParseException e) {
            // falls through to the error below
        }
        throw invalid("seller_since must be a date (YYYY-MM-DD), or null");
    }

    private static List<String> roles(JsonNode n) {
        if (n == null) {
            return null;
        }
        if (!n.isArray() || n.size() > MAX_ROLES) {
            throw invalid("roles must be an array of at most " + MAX_ROLES + " role names");
        }
        Set<String> roles = new LinkedHashSet<>();
        for (JsonNode r : n) {
            if (!r.isTextual() || !ROLE.matcher(r.asText()).matches()) {
                throw invalid("each role must be 1 to 64 characters from A-Z, a-z, 0-9 and _ : -");
            }
            roles.add(r.asText());
        }
        return new ArrayList<>(roles);
    }

    private static OAuthException invalid(String description) {
        return OAuthException.invalidRequest(description);
    }
}
