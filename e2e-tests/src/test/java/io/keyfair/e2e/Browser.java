package io.keyfair.e2e;

import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A person's browser, scripted: it keeps cookies, follows redirects by hand, reads the forms a
 * page shows and submits them with their hidden inputs. It stops at the client's redirect URI,
 * which it never fetches.
 */
public final class Browser {

    /** One response as the browser saw it. */
    public record Page(int status, URI uri, Map<String, List<String>> headers, String body) {

        public String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .findFirst().map(e -> e.getValue().get(0)).orElse(null);
        }

        public URI location() {
            String l = header("Location");
            return l == null ? null : uri.resolve(l);
        }

        /** The first `<form method="post">` that has an input or button with this name. */
        public Form form(String containing) {
            Matcher m = FORM.matcher(body);
            while (m.find()) {
                Form f = Form.parse(uri, m.group(1), m.group(2));
                if (f.fields().containsKey(containing) || f.buttons().containsKey(containing)) {
                    return f;
                }
            }
            return null;
        }
    }

    /** A form: where it posts, its fields (hidden inputs and textareas included) and its buttons. */
    public record Form(URI action, Map<String, String> fields, Map<String, List<String>> buttons) {

        static Form parse(URI page, String attributes, String html) {
            String action = attribute(attributes, "action");
            Map<String, String> fields = new LinkedHashMap<>();
            Matcher in = INPUT.matcher(html);
            while (in.find()) {
                String name = attribute(in.group(1), "name");
                String type = attribute(in.group(1), "type");
                if (name != null && !"submit".equalsIgnoreCase(type)) {
                    String value = attribute(in.group(1), "value");
                    fields.put(name, value == null ? "" : value);
                }
            }
            Matcher area = TEXTAREA.matcher(html);
            while (area.find()) {
                String name = attribute(area.group(1), "name");
                if (name != null) {
                    fields.put(name, unescape(area.group(2)));
                }
            }
            Map<String, List<String>> buttons = new LinkedHashMap<>();
            Matcher b = BUTTON.matcher(html);
            while (b.find()) {
                String name = attribute(b.group(1), "name");
                if (name != null) {
                    buttons.computeIfAbsent(name, k -> new ArrayList<>()).add(attribute(b.group(1), "value"));
                }
            }
            return new Form(action == null || action.isEmpty() ? page : page.resolve(unescape(action)), fields, buttons);
        }
    }

    private static final Pattern FORM = Pattern.compile("<form\\b([^>]*method=\"post\"[^>]*)>(.*?)</form>",
            Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
    private static final Pattern INPUT = Pattern.compile("<input\\b([^>]*)>", Pattern.CASE_INSENSITIVE);
    private static final Pattern TEXTAREA = Pattern.compile("<textarea\\b([^>]*)>(.*?)</textarea>",
            Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
    private static final Pattern BUTTON = Pattern.compile("<button\\b([^>]*)>", Pattern.CASE_INSENSITIVE);

    private static String attribute(String attributes, String name) {
        Matcher m = Pattern.compile("\\b" + name + "\\s*=\\s*\"([^\"]*)\"", Pattern.CASE_INSENSITIVE).matcher(attributes);
        return m.find() ? unescape(m.group(1)) : null;
    }

    private static String unescape(String html) {
        return html.replace("&amp;", "&").replace("&quot;", "\"").replace("&#39;", "'").replace("&lt;", "<").replace("&gt;", ">")
                .replace("&#x2F;", "/").replace("&#47;", "/").replace("&#x3D;", "=").replace("&#61;", "=");
    }

    private final HttpClient http = Stack.httpClient().followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(10)).build();
    private final Map<String, String> cookies = new LinkedHashMap<>();
    private final List<String> setCookieHeaders = new ArrayList<>();

    /** Every Set-Cookie header the browser received, for checking cookie attributes. */
    public List<String> setCookieHeaders() {
        return setCookieHeaders;
    }

    public Page get(URI uri) {
        return send(HttpRequest.newBuilder(uri).GET());
    }

    public Page post(URI uri, Map<String, String> form) {
        Seen.recordFields(form);
        return send(HttpRequest.newBuilder(uri)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Origin", uri.getScheme() + "://" + uri.getAuthority())
                .POST(HttpRequest.BodyPublishers.ofString(encode(form))));
    }

    /** Submits a form with extra or overriding fields (a clicked button is one of them). */
    public Page submit(Form form, Map<String, String> values) {
        Map<String, String> all = new LinkedHashMap<>(form.fields());
        all.putAll(values);
        return post(form.action(), all);
    }

    /** Follows redirects until a page, or until the redirect points at {@code stopAt}. */
    public Page follow(Page page, String stopAt) {
        Page current = page;
        for (int i = 0; i < 20 && current.status() / 100 == 3 && current.location() != null; i++) {
            if (current.location().toString().startsWith(stopAt)) {
                return current;
            }
            current = get(current.location());
        }
        return current;
    }

    private Page send(HttpRequest.Builder request) {
        request.header("Accept", "text/html,application/xhtml+xml").timeout(Duration.ofSeconds(15));
        if (!cookies.isEmpty()) {
            StringBuilder header = new StringBuilder();
            cookies.forEach((k, v) -> header.append(header.length() == 0 ? "" : "; ").append(k).append('=').append(v));
            request.header("Cookie", header.toString());
        }
        try {
            HttpRequest built = request.build();
            HttpResponse<String> r = http.send(built, HttpResponse.BodyHandlers.ofString());
            for (String sc : r.headers().allValues("set-cookie")) {
                setCookieHeaders.add(sc);
                String pair = sc.split(";", 2)[0];
                int eq = pair.indexOf('=');
                String name = pair.substring(0, eq).trim();
                String value = pair.substring(eq + 1).trim();
                boolean expired = value.isEmpty() || sc.toLowerCase().contains("max-age=0");
                if (expired) {
                    cookies.remove(name);
                } else {
                    cookies.put(name, value);
                }
            }
            r.headers().firstValue("location").ifPresent(l -> Seen.recordFields(query(built.uri().resolve(l))));
            return new Page(r.statusCode(), built.uri(), r.headers().map(), r.body());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public static String encode(Map<String, String> form) {
        StringBuilder out = new StringBuilder();
        form.forEach((k, v) -> out.append(out.length() == 0 ? "" : "&").append(URLEncoder.encode(k, StandardCharsets.UTF_8))
                .append('=').append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
        return out.toString();
    }

    /** The query parameters of a URI (the callback's code, state, iss, error). */
    public static Map<String, String> query(URI uri) {
        Map<String, String> out = new LinkedHashMap<>();
        String q = uri.getRawQuery();
        if (q != null) {
            for (String pair : q.split("&")) {
                int eq = pair.indexOf('=');
                String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                out.put(k, v);
            }
        }
        return out;
    }
}
