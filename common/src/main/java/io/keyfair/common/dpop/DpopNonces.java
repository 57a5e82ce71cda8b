package io.keyfair.common.dpop;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.Base64;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * Stateless DPoP nonces (RFC 9449 §8): a nonce is the HMAC-SHA256, under the secret every replica
 * shares, of the number of the time slot it was issued in. Any replica recognises any replica's
 * nonce without storing anything; a nonce is accepted in its own slot and the next one.
 */
@ApplicationScoped
public class DpopNonces {

    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

    /** The nonce of one slot, computed once per slot. */
    private record Issued(long slot, String nonce) {
    }

    private final boolean required;
    private final SecretKeySpec key;
    private final long slotMillis;
    private final Clock clock;
    private volatile Issued current = new Issued(Long.MIN_VALUE, null);

    DpopNonces(DpopConfig config, Clock clock) {
        DpopConfig.Nonce nonce = config.nonce();
        this.required = nonce.required();
        this.clock = clock;
        this.slotMillis = Math.max(1000, nonce.lifetime().toMillis());
        String secret = nonce.secret().filter(s -> !s.isBlank()).orElse(null);
        if (required && (secret == null || secret.length() < 32)) {
            throw new IllegalStateException(
                    "keyfair.dpop.nonce.required needs keyfair.dpop.nonce.secret (KEYFAIR_DPOP_NONCE_SECRET) of at least 32 characters, the same on every replica");
        }
        this.key = secret == null ? null : new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
    }

    /** Whether proofs must carry a nonce. */
    public boolean required() {
        return required;
    }

    /** The nonce to hand out now (the `DPoP-Nonce` header). */
    public String current() {
        long slot = clock.millis() / slotMillis;
        Issued issued = current;
        if (issued.slot() != slot) {
            issued = new Issued(slot, nonceOf(slot));
            current = issued;
        }
        return issued.nonce();
    }

    /** Whether {@code nonce} was issued in this slot or the one before, by any replica. */
    public boolean accepts(String nonce) {
        if (nonce == null || nonce.length() > 64) {
            return false;
        }
        long slot = clock.millis() / slotMillis;
        byte[] given = nonce.getBytes(StandardCharsets.US_ASCII);
        // both compared, constant time, so the timing says nothing about which slot matched
        boolean now = MessageDigest.isEqual(given, current().getBytes(StandardCharsets.US_ASCII));
        boolean before = MessageDigest.isEqual(given, nonceOf(slot - 1).getBytes(StandardCharsets.US_ASCII));
        return now | before;
    }

    private String nonceOf(long slot) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            mac.update("keyfair-dpop-nonce".getBytes(StandardCharsets.US_ASCII));
            return BASE64URL.encodeToString(mac.doFinal(ByteBuffer.allocate(Long.BYTES).putLong(slot).array()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is unavailable", e);
        }
    }
}
