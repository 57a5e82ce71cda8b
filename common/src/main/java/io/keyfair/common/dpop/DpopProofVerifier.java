package io.keyfair.common.dpop;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.text.ParseException;
import java.time.Clock;
import java.util.Base64;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import io.keyfair.common.config.OAuthConfig;
import io.keyfair.common.crypto.CryptoProvider;
import io.keyfair.common.error.OAuthException;
import io.keyfair.common.redis.RedisKeys;
import io.keyfair.common.secret.Secrets;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;

/**
 * Checks a `DPoP` proof (RFC 9449 §4.3) with Nimbus JOSE, in the RFC's order, and then records its
 * `jti` in Redis in one atomic `SET NX EX`, so a proof is accepted once across every replica.
 * Shared by the token endpoint and the resource endpoints (userinfo); a request without a `DPoP`
 * header never reaches it, so the bearer path pays nothing.
 *
 * <p>Failures are `invalid_dpop_proof` (400, the token endpoint's form; a resource server turns
 * them into its 401 challenge), or `use_dpop_nonce` when a required nonce is missing or stale.
 */
@ApplicationScoped
public class DpopProofVerifier {

    /** RFC 9449 §4.1: the request header carrying a proof. */
    public static final String HEADER = "DPoP";

    /** RFC 9449 §4.2. */
    static final JOSEObjectType TYPE = new JOSEObjectType("dpop+jwt");

    /** RFC 9449 §4.3: asymmetric algorithms only, never `none` or an HMAC; the order discovery lists. */
    public static final List<JWSAlgorithm> ALGORITHMS = List.of(JWSAlgorithm.ES256, JWSAlgorithm.ES384, JWSAlgorithm.ES512,
            JWSAlgorithm.PS256, JWSAlgorithm.PS384, JWSAlgorithm.PS512, JWSAlgorithm.RS256, JWSAlgorithm.RS384,
            JWSAlgorithm.RS512, JWSAlgorithm.EdDSA);
    private static final Set<JWSAlgorithm> ALLOWED = Set.copyOf(ALGORITHMS);

    /** The `algs` value of a `WWW-Authenticate: DPoP` challenge (RFC 9449 §7.1). */
    public static final String ALGS = String.join(" ", ALGORITHMS.stream().map(JWSAlgorithm::getName).toList());

    /** CONTRACT: `iat` at most 10 s ahead and 60 s old. */
    static final long MAX_AHEAD_SECONDS = 10;
    static final long MAX_AGE_SECONDS = 60;
    /** A used `jti` is remembered while its proof could still pass the `iat` window, and a little longer. */
    static final long REPLAY_MEMORY_SECONDS = MAX_AGE_SECONDS + MAX_AHEAD_SECONDS + 5;

    /** Bounds what is parsed and hashed; real proofs are well under 2 KiB (an RSA-4096 `jwk` included). */
    static final int MAX_PROOF_LENGTH = 8192;
    static final int MAX_JTI_LENGTH = 256;
    static final int MIN_RSA_BITS = 2048;

    /** RFC 8410 §4: the SubjectPublicKeyInfo of an Ed25519 key is this prefix and the 32-byte key. */
    private static final byte[] ED25519_SPKI_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");

    private final ReactiveRedisDataSource redis;
    private final RedisKeys keys;
    private final DpopNonces nonces;
    private final Clock clock;
    private final String issuer;

    /** @param crypto installs the fastest provider before any verifier is built */
    DpopProofVerifier(ReactiveRedisDataSource redis, RedisKeys keys, DpopNonces nonces, Clock clock, OAuthConfig config,
            CryptoProvider crypto) {
        this.redis = redis;
        this.keys = keys;
        this.nonces = nonces;
        this.clock = clock;
        String iss = config.issuer();
        this.issuer = iss.endsWith("/") ? iss.substring(0, iss.length() - 1) : iss;
    }

    /**
     * The public URL of one of the issuer's endpoints, as a proof's `htu` must name it: the
     * issuer's (clients reach the services through the ingress), never a service's own port.
     */
    public String endpointUrl(String path) {
        return normalized(issuer + path);
    }

    /**
     * The proof an authorization-server request (token, PAR) sent, verified and spent: empty when
     * it sent no `DPoP` header, `invalid_dpop_proof` when it sent more than one (§4.3 1: "there is
     * not more than one DPoP HTTP request header field").
     *
     * @param headerValues the request's `DPoP` header values ({@link #HEADER}), null or empty for none
     */
    public Uni<Optional<DpopProof>> verifySent(List<String> headerValues, String method, String url) {
        if (headerValues == null || headerValues.isEmpty()) {
            return Uni.createFrom().item(Optional.empty());
        }
        if (headerValues.size() > 1) {
            return Uni.createFrom().failure(OAuthException.invalidDpopProof("Only one DPoP header may be sent"));
        }
        return verify(headerValues.get(0), method, url, null).map(Optional::of);
    }

    /**
     * Verifies the proof of one request and spends its `jti`.
     *
     * @param proof the `DPoP` header's value
     * @param method the request's method, as `htm` must name it
     * @param url the endpoint's public URL ({@link #endpointUrl}), as `htu` must name it
     * @param accessToken the access token the request presents (a resource request: `ath` must be
     *        its hash), or null at the token endpoint
     */
    public Uni<DpopProof> verify(String proof, String method, String url, String accessToken) {
        Checked checked;
        try {
            checked = check(proof, method, url, accessToken);
        } catch (OAuthException e) {
            return Uni.createFrom().failure(e);
        }
        return firstUse(checked).map(first -> {
            // §11.1: "the server MUST ensure that ... jti ... [is] not ... used before"
            if (!first) {
                throw OAuthException.invalidDpopProof("The DPoP proof was already used");
            }
            return new DpopProof(checked.jkt());
        });
    }

    /** What the replay step needs of a proof that passed every local check. */
    private record Checked(String jkt, String jti) {
    }

    private Checked check(String proof, String method, String url, String accessToken) {
        // §4.3 1: one well-formed JWT
        if (proof == null || proof.isEmpty() || proof.length() > MAX_PROOF_LENGTH) {
            throw invalid("The DPoP proof is missing or too long");
        }
        SignedJWT jwt;
        JWTClaimsSet claims;
        try {
            jwt = SignedJWT.parse(proof);
            claims = jwt.getJWTClaimsSet();
        } catch (ParseException e) {
            throw invalid("The DPoP proof is not a signed JWT");
        }
        JWSHeader header = jwt.getHeader();
        // §4.3 4: typ dpop+jwt, so no other JWT can be passed off as a proof
        if (!TYPE.equals(header.getType())) {
            throw invalid("The DPoP proof's typ must be dpop+jwt");
        }
        // §4.3 5: an asymmetric algorithm this server supports, never none or HMAC
        if (!ALLOWED.contains(header.getAlgorithm())) {
            throw invalid("The DPoP proof's alg is not supported");
        }
        // §4.3 7: the jwk is a public key; a private one is refused outright
        JWK jwk = header.getJWK();
        if (jwk == null || jwk.isPrivate()) {
            throw invalid("The DPoP proof must carry its public key as jwk, without private parts");
        }
        // §4.3 6: the signature verifies with that key
        if (!signatureVerifies(jwt, header.getAlgorithm(), jwk)) {
            throw invalid("The DPoP proof's signature does not verify with its jwk");
        }
        // §4.3 8 and 9: this request's method and URI (query and fragment ignored)
        String jti = string(claims, "jti");
        if (jti == null || jti.isEmpty() || jti.length() > MAX_JTI_LENGTH) {
            throw invalid("The DPoP proof needs a jti of at most " + MAX_JTI_LENGTH + " characters");
        }
        if (!method.equals(string(claims, "htm"))) {
            throw invalid("The DPoP proof's htm is not this request's method");
        }
        String htu = string(claims, "htu");
        if (htu == null || !url.equals(normalized(htu))) {
            throw invalid("The DPoP proof's htu is not this endpoint's URL " + url);
        }
        // §4.3 10 and 11: a nonce when one is required, and a recent iat
        if (nonces.required() && !nonces.accepts(string(claims, "nonce"))) {
            throw OAuthException.useDpopNonce(nonces.current());
        }
        Date iat = claims.getIssueTime();
        long now = clock.millis() / 1000;
        if (iat == null) {
            throw invalid("The DPoP proof needs an iat");
        }
        long issuedAt = iat.getTime() / 1000;
        if (issuedAt > now + MAX_AHEAD_SECONDS || issuedAt < now - MAX_AGE_SECONDS) {
            throw invalid("The DPoP proof's iat is outside the accepted window");
        }
        // §4.3 12 (§7): at a resource, ath is the hash of the very token presented
        if (accessToken != null) {
            String ath = string(claims, "ath");
            if (ath == null || !MessageDigest.isEqual(ath.getBytes(StandardCharsets.US_ASCII),
                    accessTokenHash(accessToken).getBytes(StandardCharsets.US_ASCII))) {
                throw invalid("The DPoP proof's ath does not match the access token");
            }
        }
        try {
            return new Checked(jwk.computeThumbprint().toString(), jti);
        } catch (JOSEException e) {
            throw invalid("The DPoP proof's jwk has no thumbprint");
        }
    }

    /** §11.1: one `SET NX EX`: true only for the first request, on any replica, that spends this jti with this key. */
    private Uni<Boolean> firstUse(Checked checked) {
        String key = keys.dpopProofUsed(checked.jkt(), HexFormat.of().formatHex(Secrets.sha256(checked.jti())));
        return redis.execute("SET", key, "1", "NX", "EX", Long.toString(REPLAY_MEMORY_SECONDS)).map(r -> r != null);
    }

    /** RFC 9449 §4.2: `ath` is the base64url SHA-256 of the access token's ASCII. */
    public static String accessTokenHash(String accessToken) {
        // an access token is ASCII, so its UTF-8 is its ASCII
        return Base64.getUrlEncoder().withoutPadding().encodeToString(Secrets.sha256(accessToken));
    }

    private static boolean signatureVerifies(SignedJWT jwt, JWSAlgorithm alg, JWK jwk) {
        try {
            if (jwk instanceof ECKey ec) {
                // Nimbus checks the point is on the curve and that the curve is the algorithm's
                return jwt.verify(new ECDSAVerifier(ec));
            }
            if (jwk instanceof RSAKey rsa) {
                if (rsa.size() < MIN_RSA_BITS) {
                    return false;
                }
                return jwt.verify(new RSASSAVerifier(rsa));
            }
            if (jwk instanceof OctetKeyPair okp && JWSAlgorithm.EdDSA.equals(alg) && Curve.Ed25519.equals(okp.getCurve())) {
                return ed25519Verifies(jwt, okp);
            }
            return false;
        } catch (JOSEException | IllegalStateException e) {
            return false;
        }
    }

    /**
     * EdDSA with Ed25519 (RFC 8037) by the JDK's own implementation (JEP 339): Nimbus verifies it
     * only through Tink, a dependency too large for one algorithm.
     */
    private static boolean ed25519Verifies(SignedJWT jwt, OctetKeyPair okp) {
        if (jwt.getHeader().getCriticalParams() != null) {
            return false;
        }
        byte[] x = okp.getDecodedX();
        if (x == null || x.length != 32) {
            return false;
        }
        byte[] spki = new byte[ED25519_SPKI_PREFIX.length + x.length];
        System.arraycopy(ED25519_SPKI_PREFIX, 0, spki, 0, ED25519_SPKI_PREFIX.length);
        System.arraycopy(x, 0, spki, ED25519_SPKI_PREFIX.length, x.length);
        try {
            PublicKey key = KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(spki));
            Signature verifier = Signature.getInstance("Ed25519");
            verifier.initVerify(key);
            verifier.update(jwt.getSigningInput());
            return verifier.verify(jwt.getSignature().decode());
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /** RFC 9449 §4.3 9 with RFC 3986 §6.2.2 and §6.2.3: scheme and host case-insensitive, default port dropped, no query or fragment. */
    static String normalized(String uri) {
        try {
            URI u = new URI(uri);
            String scheme = u.getScheme();
            String host = u.getHost();
            if (scheme == null || host == null || u.getRawUserInfo() != null) {
                return null;
            }
            scheme = scheme.toLowerCase(Locale.ROOT);
            int port = u.getPort();
            boolean defaultPort = port == -1 || ("https".equals(scheme) && port == 443) || ("http".equals(scheme) && port == 80);
            String path = u.getRawPath() == null || u.getRawPath().isEmpty() ? "/" : u.getRawPath();
            return scheme + "://" + host.toLowerCase(Locale.ROOT) + (defaultPort ? "" : ":" + port) + path;
        } catch (URISyntaxException e) {
            return null;
        }
    }

    private static String string(JWTClaimsSet claims, String name) {
        try {
            return claims.getStringClaim(name);
        } catch (ParseException e) {
            return null;
        }
    }

    private static OAuthException invalid(String description) {
        return OAuthException.invalidDpopProof(description);
    }
}
