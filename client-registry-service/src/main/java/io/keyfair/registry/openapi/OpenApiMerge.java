package io.keyfair.registry.openapi;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

/**
 * Merges the services' OpenAPI documents into one, as the ingress joins their paths into one
 * issuer: every path, every component. A component two services define differently (the same
 * record name for two shapes) is kept apart as `<service>_<name>`, with that service's
 * references rewritten, so no operation silently gets another service's schema.
 */
final class OpenApiMerge {

    private static final String REF_PREFIX = "#/components/";

    private OpenApiMerge() {
    }

    /** A service's document as it answered. */
    record Part(String service, ObjectNode document) {
    }

    /**
     * @param parts the documents, in the order their paths should appear
     * @param missing services whose document could not be read; named in `info`
     */
    static ObjectNode merge(ObjectMapper json, String issuer, List<Part> parts, List<String> missing) {
        ObjectNode merged = json.createObjectNode();
        merged.put("openapi", parts.isEmpty() ? "3.1.0" : parts.get(0).document().path("openapi").asText("3.1.0"));
        ObjectNode info = merged.putObject("info");
        info.put("title", "Keyfair");
        info.put("version", parts.isEmpty() ? "1.0" : parts.get(0).document().path("info").path("version").asText("1.0"));
        info.put("description", "Every Keyfair service's API behind one issuer: "
                + String.join(", ", parts.stream().map(Part::service).toList()) + ".");
        if (!missing.isEmpty()) {
            ArrayNode unavailable = info.putArray("x-keyfair-unavailable");
            missing.forEach(unavailable::add);
        }
        merged.putArray("servers").addObject().put("url", issuer);
        ObjectNode paths = merged.putObject("paths");
        ObjectNode components = merged.putObject("components");
        ArrayNode tags = json.createArrayNode();
        for (Part part : parts) {
            ObjectNode doc = part.document().deepCopy();
            renameClashes(doc, components, part.service());
            doc.path("paths").fields().forEachRemaining(e -> {
                if (!paths.has(e.getKey())) {
                    paths.set(e.getKey(), e.getValue());
                }
            });
            doc.path("components").fields().forEachRemaining(kind -> {
                ObjectNode target = components.has(kind.getKey()) ? (ObjectNode) components.get(kind.getKey())
                        : components.putObject(kind.getKey());
                kind.getValue().fields().forEachRemaining(c -> target.set(c.getKey(), c.getValue()));
            });
            for (JsonNode tag : doc.path("tags")) {
                if (!contains(tags, tag)) {
                    tags.add(tag);
                }
            }
        }
        if (!tags.isEmpty()) {
            merged.set("tags", tags);
        }
        return merged;
    }

    /** Renames this document's components that another service already defined differently. */
    private static void renameClashes(ObjectNode doc, ObjectNode merged, String service) {
        List<String[]> renames = new ArrayList<>();
        doc.path("components").fields().forEachRemaining(kind -> {
            JsonNode existing = merged.path(kind.getKey());
            ObjectNode own = (ObjectNode) kind.getValue();
            List<String> names = new ArrayList<>();
            own.fieldNames().forEachRemaining(names::add);
            for (String name : names) {
                if (existing.has(name) && !existing.get(name).equals(own.get(name))) {
                    String renamed = service.replaceAll("[^A-Za-z0-9]", "_") + "_" + name;
                    own.set(renamed, own.remove(name));
                    renames.add(new String[] { REF_PREFIX + kind.getKey() + "/" + name, REF_PREFIX + kind.getKey() + "/" + renamed });
                }
            }
        });
        if (!renames.isEmpty()) {
            rewriteRefs(doc, renames);
        }
    }

    private static void rewriteRefs(JsonNode node, List<String[]> renames) {
        if (node instanceof ObjectNode object) {
            Iterator<Map.Entry<String, JsonNode>> fields = object.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                if (field.getKey().equals("$ref") && field.getValue().isTextual()) {
                    for (String[] r : renames) {
                        if (field.getValue().asText().equals(r[0])) {
                            field.setValue(TextNode.valueOf(r[1]));
                        }
                    }
                } else {
                    rewriteRefs(field.getValue(), renames);
                }
            }
        } else if (node instanceof ArrayNode array) {
            array.forEach(n -> rewriteRefs(n, renames));
        }
    }

    private static boolean contains(ArrayNode tags, JsonNode tag) {
        for (JsonNode t : tags) {
            if (t.path("name").equals(tag.path("name"))) {
                return true;
            }
        }
        return false;
    }
}
