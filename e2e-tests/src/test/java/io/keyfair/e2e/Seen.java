package io.keyfair.e2e;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.restassured.filter.Filter;
import io.restassured.filter.FilterContext;
import io.restassured.response.Response;
import io.restassured.specification.FilterableRequestSpecification;
import io.restassured.specification.FilterableResponseSpecification;

/**
 * Every secret the end-to-end tests send or receive (passwords, client secrets, codes, PKCE
 * verifiers, access, refresh and ID tokens, registration and initial access tokens), written to
 * target/e2e-secrets.txt one a line, so that LogHygieneIT can check that none of them reached a
 * log line of the stack. REST Assured calls are recorded by {@link #FILTER} (installed by Stack);
 * the Browser records what it posts and the codes it is redirected with.
 */
public final class Seen {

    static final Path FILE = Path.of("target", "e2e-secrets.txt");

    /** Shorter values could match log text by chance (and no secret of ours is that short). */
    private static final int MIN_LENGTH = 12;
    private static final Set<String> SECRET_FIELDS = Set.of("access_token", "refresh_token", "id_token", "client_secret",
            "registration_access_token", "password", "code", "code_verifier", "token", "subject_token", "previous_secret",
            "initial_access_token", "logout_hint", "id_token_hint", "client_assertion");

    private Seen() {
    }

    /** Records these values (nulls and short ones are skipped). */
    public static synchronized void record(String... values) {
        StringBuilder lines = new StringBuilder();
        for (String v : values) {
            if (v != null && v.length() >= MIN_LENGTH && v.indexOf('\n') < 0) {
                lines.append(v).append('\n');
            }
        }
        if (lines.isEmpty()) {
            return;
        }
        try {
            Files.createDirectories(FILE.getParent());
            Files.writeString(FILE, lines, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new IllegalStateException("cannot record a secret for LogHygieneIT", e);
        }
    }

    /** What was recorded so far (by every test of this build), each also as it looks URL-encoded. */
    public static Set<String> all() throws IOException {
        Set<String> out = new LinkedHashSet<>();
        if (Files.exists(FILE)) {
            for (String line : Files.readAllLines(FILE)) {
                out.add(line);
                out.add(URLEncoder.encode(line, StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    /** The secret fields of a form, a query or a JSON object. */
    static void recordFields(Map<String, ?> fields) {
        fields.forEach((k, v) -> {
            if (SECRET_FIELDS.contains(k) && v instanceof String s) {
                record(s);
            } else if (SECRET_FIELDS.contains(k) && v instanceof List<?> list) {
                list.forEach(item -> record(String.valueOf(item)));
            }
        });
    }

    /** Basic credentials (the client secret) and bearer tokens of an Authorization header. */
    static void recordAuthorization(String header) {
        if (header == null) {
            return;
        }
        if (header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            record(header.substring(7).trim());
        } else if (header.regionMatches(true, 0, "Basic ", 0, 6)) {
            try {
                String pair = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
                int colon = pair.indexOf(':');
                if (colon >= 0) {
                    record(pair.substring(colon + 1));
                }
            } catch (IllegalArgumentException e) {
                // a test sending a malformed header on purpose: nothing to record
            }
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    @SuppressWarnings("unchecked")
    private static void recordBody(Object body) {
        Object parsed = body;
        if (body instanceof String text && text.startsWith("{")) {
            try {
                parsed = JSON.readValue(text, Map.class);
            } catch (IOException e) {
                return;
            }
        }
        if (parsed instanceof Map<?, ?> map) {
            recordFields((Map<String, ?>) map);
        }
    }

    /** Records what each REST Assured request sent and what its JSON answer carried. */
    public static final Filter FILTER = new Filter() {
        @Override
        public Response filter(FilterableRequestSpecification request, FilterableResponseSpecification responseSpec,
                FilterContext ctx) {
            recordAuthorization(request.getHeaders().getValue("Authorization"));
            recordFields(request.getFormParams());
            recordFields(request.getQueryParams());
            recordBody(request.getBody());
            Response response = ctx.next(request, responseSpec);
            String type = response.getContentType();
            if (type != null && type.contains("json")) {
                try {
                    Object parsed = response.jsonPath().get("$");
                    if (parsed instanceof Map<?, ?> map) {
                        @SuppressWarnings("unchecked")
                        Map<String, ?> json = (Map<String, ?>) map;
                        recordFields(json);
                    }
                } catch (RuntimeException e) {
                    // not a JSON object: nothing to record
                }
            }
            return response;
        }
    };
}
