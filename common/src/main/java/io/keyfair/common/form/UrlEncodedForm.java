package io.keyfair.common.form;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import jakarta.ws.rs.core.MultivaluedHashMap;
import jakarta.ws.rs.core.MultivaluedMap;

/**
 * A strict `application/x-www-form-urlencoded` decoder (WHATWG URL §5.1, UTF-8 as RFC 6749
 * Appendix B requires), in one pass over the bytes: `&` separates pairs, the first `=` separates
 * a name from its value, `+` is a space, `%` must be followed by two hex digits, and the decoded
 * bytes of every name and value must be UTF-8 and at most the parameter limit long.
 *
 * <p>Where the usual decoders guess (drop the pair, substitute U+FFFD) or throw an unchecked
 * exception (which RESTEasy Reactive turns into a 500, or, in its `@FormParam` parser, into a
 * connection that never gets an answer), this one refuses the whole input with a
 * {@link MalformedFormException} that says what was wrong and never repeats the input.
 */
public final class UrlEncodedForm {

    private UrlEncodedForm() {
    }

    /**
     * Decodes a whole form body.
     *
     * @param maxParameterBytes the longest decoded name or value
     * @param maxBodyBytes the longest body, counted as it is read
     */
    public static MultivaluedMap<String, String> decode(InputStream in, int maxParameterBytes, long maxBodyBytes)
            throws IOException {
        Parser parser = new Parser(maxParameterBytes);
        // a body that stayed in memory says how long it is: one read, no growing
        byte[] chunk = new byte[Math.max(256, Math.min(in.available(), 16 * 1024))];
        long total = 0;
        int n;
        while ((n = in.read(chunk)) > 0) {
            total += n;
            if (total > maxBodyBytes) {
                throw MalformedFormException.bodyTooLarge(maxBodyBytes);
            }
            parser.accept(chunk, n);
        }
        return parser.finish();
    }

    /** Decodes a raw (still percent-encoded) query string. */
    public static MultivaluedMap<String, String> decodeQuery(String rawQuery) {
        // the request line is read byte for byte into chars, so ISO-8859-1 gives the bytes back
        byte[] bytes = rawQuery.getBytes(StandardCharsets.ISO_8859_1);
        Parser parser = new Parser(Integer.MAX_VALUE);
        parser.accept(bytes, bytes.length);
        return parser.finish();
    }

    private static final class Parser {

        private final int maxParameterBytes;
        private final MultivaluedMap<String, String> form = new MultivaluedHashMap<>();
        /** The decoded bytes of the name or value being read. */
        private byte[] token = new byte[64];
        private int length;
        private boolean ascii = true;
        /** Hex digits still expected after a `%`, and the byte the ones read so far spell. */
        private int hexLeft;
        private int escaped;
        /** The current pair's name, once its `=` was read. */
        private String name;
        private CharsetDecoder utf8;

        Parser(int maxParameterBytes) {
            this.maxParameterBytes = maxParameterBytes;
        }

        void accept(byte[] bytes, int count) {
            for (int i = 0; i < count; i++) {
                byte b = bytes[i];
                if (hexLeft > 0) {
                    hexDigit(b);
                } else if (b == '&') {
                    endPair();
                } else if (b == '=' && name == null) {
                    name = text();
                } else if (b == '+') {
                    append((byte) ' ');
                } else if (b == '%') {
                    hexLeft = 2;
                    escaped = 0;
                } else {
                    append(b);
                }
            }
        }

        MultivaluedMap<String, String> finish() {
            if (hexLeft > 0) {
                throw MalformedFormException.badEscape();
            }
            endPair();
            return form;
        }

        private void hexDigit(byte b) {
            int digit = b >= '0' && b <= '9' ? b - '0'
                    : b >= 'a' && b <= 'f' ? b - 'a' + 10
                    : b >= 'A' && b <= 'F' ? b - 'A' + 10
                    : -1;
            if (digit < 0) {
                throw MalformedFormException.badEscape();
            }
            escaped = escaped << 4 | digit;
            if (--hexLeft == 0) {
                append((byte) escaped);
            }
        }

        private void append(byte b) {
            if (length == maxParameterBytes) {
                throw MalformedFormException.parameterTooLarge(maxParameterBytes);
            }
            if (length == token.length) {
                token = Arrays.copyOf(token, (int) Math.min(2L * token.length, maxParameterBytes));
            }
            token[length++] = b;
            ascii &= b >= 0;
        }

        private void endPair() {
            if (name == null && length == 0) {
                return; // an empty pair, as between "&&"
            }
            if (name == null) {
                form.add(text(), ""); // a name without "="
            } else {
                form.add(name, text());
            }
            name = null;
        }

        private String text() {
            String text = ascii ? new String(token, 0, length, StandardCharsets.ISO_8859_1) : utf8();
            length = 0;
            ascii = true;
            return text;
        }

        private String utf8() {
            if (utf8 == null) {
                utf8 = StandardCharsets.UTF_8.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT);
            }
            try {
                return utf8.reset().decode(ByteBuffer.wrap(token, 0, length)).toString();
            } catch (CharacterCodingException e) {
                throw MalformedFormException.notUtf8();
            }
        }
    }
}
