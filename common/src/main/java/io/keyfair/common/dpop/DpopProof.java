package io.keyfair.common.dpop;

/**
 * A DPoP proof (RFC 9449 §4) that passed every check, replay included.
 *
 * @param jkt the RFC 7638 SHA-256 thumbprint of the proof's public key, base64url: what a bound
 *        token's `cnf.jkt` (RFC 9449 §6.1) and a code's `dpop_jkt` (§10) carry
 */
public record DpopProof(String jkt) {
}
