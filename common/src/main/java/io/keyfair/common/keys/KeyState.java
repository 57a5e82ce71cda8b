package io.keyfair.common.keys;

/** Where a key is in its rotation (DESIGN.md, "Keys"). */
public enum KeyState {
    /** Published in the JWKS so verifiers cache it, not yet signing. */
    NEXT,
    /** Signing new tokens (one per algorithm). */
    ACTIVE,
    /** No longer signing; published until the last token it signed has expired. */
    RETIRED
}
