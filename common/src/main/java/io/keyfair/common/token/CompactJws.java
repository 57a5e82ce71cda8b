package io.keyfair.common.token;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;

/**
 * RFC 7515 compact serialization on the hot paths: JSON written and read with Jackson's streaming
 * API and Base64URL done by the JDK's codec, with no object tree in between. Nimbus' general
 * parser and encoder cost more than an ES256 signature or an RS256 verification per token.
 */
public final class CompactJws {

    /** Duplicate members are rejected (RFC 7515 §5.2, RFC 8725 §3.12): no "last one wins". */
    static final JsonFactory JSON = JsonFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

    /** Writes the members of one JSON object; the braces are written around them. */
    @FunctionalInterface
    public interface Members {
        void write(JsonGenerator json) throws IOException;
    }

    /** A compact JWS split and decoded, its signature not yet checked. */
    public record Parts(byte[] signingInput, byte[] header, byte[] payload, byte[] signature) {
    }

    /** Thrown for anything that is not a well-formed compact JWS or JSON of the expected shape. */
    public static final class MalformedException extends Exception {
        MalformedException(String message) {
            super(message, null, false, false);
        }
    }

    private CompactJws() {
    }

    /** The Base64URL encoding of a JSON object with these members. */
    public static String encodeObject(Members members) {
        return new String(ENCODER.encode(json(members)), StandardCharsets.US_ASCII);
    }

    static byte[] json(Members members) {
        ByteArrayBuilder out = new ByteArrayBuilder(256);
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.writeStartObject();
            members.write(json);
            json.writeEndObject();
        } catch (IOException e) {
            throw new IllegalStateException("cannot write JSON to memory", e);
        }
        return out.toByteArray();
    }

    /** The signing input `header.payload` (ASCII) for an encoded header and a JSON payload. */
    public static byte[] signingInput(String encodedHeader, Members payload) {
        return dotJoined(encodedHeader.getBytes(StandardCharsets.US_ASCII), ENCODER.encode(json(payload)));
    }

    /** `signingInput.signature`, the compact serialization. */
    public static String serialize(byte[] signingInput, byte[] signature) {
        return new String(dotJoined(signingInput, ENCODER.encode(signature)), StandardCharsets.US_ASCII);
    }

    private static byte[] dotJoined(byte[] left, byte[] right) {
        byte[] out = new byte[left.length + 1 + right.length];
        System.arraycopy(left, 0, out, 0, left.length);
        out[left.length] = '.';
        System.arraycopy(right, 0, out, left.length + 1, right.length);
        return out;
    }

    /** Splits and decodes a compact JWS: exactly three non-empty, unpadded Base64URL parts. */
    public static Parts parse(String token) throws MalformedException {
        int first = token.indexOf('.');
        int second = first < 0 ? -1 : token.indexOf('.', first + 1);
        if (first <= 0 || second <= first + 1 || second == token.length() - 1 || token.indexOf('.', second + 1) >= 0) {
            throw new MalformedException("not a compact JWS");
        }
        // (any character outside base64url fails the decoding below)
        byte[] signingInput = token.substring(0, second).getBytes(StandardCharsets.US_ASCII);
        return new Parts(signingInput, decode(token, 0, first), decode(token, first + 1, second),
                decode(token, second + 1, token.length()));
    }

    private static byte[] decode(String token, int from, int to) throws MalformedException {
        // RFC 7515 §2: base64url without padding; the JDK decoder would accept '='
        int padding = token.indexOf('=', from);
        if (padding >= 0 && padding < to) {
            throw new MalformedException("padded base64url");
        }
        try {
            return DECODER.decode(token.substring(from, to));
        } catch (IllegalArgumentException e) {
            throw new MalformedException("invalid base64url");
        }
    }

    /** Reads one member of a JSON object; the parser is on the member's value. */
    @FunctionalInterface
    interface MemberReader {
        void read(String name, JsonParser value) throws IOException, MalformedException;
    }

    /**
     * Reads a JSON object member by member (duplicates rejected); anything else, or anything after
     * the object, is malformed.
     */
    static void readObject(byte[] json, MemberReader members) throws MalformedException {
        try (JsonParser p = JSON.createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new MalformedException("not a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                p.nextToken();
                members.read(name, p);
            }
            if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null) {
                throw new MalformedException("trailing content");
            }
        } catch (IOException e) {
            throw new MalformedException("invalid JSON");
        }
    }

    /** The current value as a string, or a failure when it is of another type. */
    static String string(JsonParser parser) throws IOException, MalformedException {
        if (parser.currentToken() != JsonToken.VALUE_STRING) {
            throw new MalformedException("member " + parser.currentName() + " is not a string");
        }
        return parser.getText();
    }

    /** The current value as whole seconds (RFC 7519 NumericDate), or a failure when not a number. */
    static long numericDate(JsonParser parser) throws IOException, MalformedException {
        JsonToken t = parser.currentToken();
        if (t == JsonToken.VALUE_NUMBER_INT) {
            return parser.getLongValue();
        }
        if (t == JsonToken.VALUE_NUMBER_FLOAT) {
            double d = parser.getDoubleValue();
            if (Double.isFinite(d)) {
                return (long) Math.floor(d);
            }
        }
        throw new MalformedException("member " + parser.currentName() + " is not a NumericDate");
    }
}
