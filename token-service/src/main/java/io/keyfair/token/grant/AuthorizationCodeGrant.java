package io.keyfair.token.grant;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;

import io.keyfair.common.audit.AuditLog;
import io.keyfair.common.code.AuthorizationCode;
import io.keyfair.common.code.AuthorizationCodes;
import io.keyfair.common.code.AuthorizationCodes.Redemption;
import io.keyfair.common.clientauth.AuthenticatedClient;
import io.keyfair.common.clientauth.ClientRequest;
import io.keyfair.common.dpop.DpopProof;
import io.keyfair.common.error.OAuthException;
import io.keyfair.common.user.UserClaims;
import io.keyfair.token.mint.TokenMinter;
import io.keyfair.token.refresh.RefreshTokens;
import io.keyfair.token.user.Users;
import io.smallrye.mutiny.Uni;

/**
 * RFC 6749 §4.1.3 with PKCE (RFC 7636 §4.6) and OpenID Connect Core §3.1.3: exchanges a one-time
 * code for an access token, a refresh token (clients with the refresh_token grant) and an ID
 * token (when `openid` was granted). With DPoP (RFC 9449): a code bound by `dpop_jkt` needs a proof
 * of that key (§10), a proof binds the access token (§5), and a public client's refresh tokens too.
 */
@ApplicationScoped
public class AuthorizationCodeGrant implements GrantHandler {

    /** RFC 7636 §4.1: 43–128 characters of the unreserved set. */
    private static final Pattern VERIFIER = Pattern.compile("[A-Za-z0-9._~-]{43,128}");

    private final AuthorizationCodes codes;
    private final TokenMinter minter;
    private final RefreshTokens refreshTokens;
    private final Users users;
    private final AuditLog audit;

    AuthorizationCodeGrant(AuthorizationCodes codes, TokenMinter minter, RefreshTokens refreshTokens, Users users,
            AuditLog audit) {
        this.codes = codes;
        this.minter = minter;
        this.refreshTokens = refreshTokens;
        this.users = users;
        this.audit = audit;
    }

    @Override
    public String grantType() {
        return "authorization_code";
    }

    @Override
    public Uni<TokenResponse> handle(ClientRequest request, AuthenticatedClient client, Optional<DpopProof> dpop) {
        String code = request.required("code");
        // the code is consumed here, atomically, whatever the checks below decide
        return codes.redeem(code).flatMap(redemption -> {
            if (redemption instanceof Redemption.Redeemed r) {
                return issue(request, client, r.code(), dpop.map(DpopProof::jkt).orElse(null));
            }
            if (redemption instanceof Redemption.Replayed r) {
                return replayed(client, r.grantId());
            }
            return Uni.createFrom().failure(OAuthException.invalidGrant("The authorization code is invalid or expired"));
        });
    }

    /** §4.1.2: "If an authorization code is used more than once … SHOULD revoke all tokens previously issued based on that code." */
    private Uni<TokenResponse> replayed(AuthenticatedClient client, String grantId) {
        audit.recordFailure("token.code_replayed", client.clientId(), null, Map.of("grant_id", grantId));
        return refreshTokens.revokeGrant(grantId, "code_replay", "authorization code replayed")
                .flatMap(v -> Uni.createFrom().failure(OAuthException.invalidGrant("The authorization code was already used")));
    }

    private Uni<TokenResponse> issue(ClientRequest request, AuthenticatedClient client, AuthorizationCode code, String jkt) {
        // §4.1.3: the code must have been issued to the authenticated client
        if (!code.clientId().equals(client.clientId())) {
            throw invalid(client, code, "The authorization code was issued to another client");
        }
        // §4.1.3: redirect_uri must be identical when it was included in the authorization request
        String redirectUri = request.get("redirect_uri").orElse(null);
        if (code.redirectUri() != null ? !code.redirectUri().equals(redirectUri)
                : redirectUri != null && !redirectUri.equals(code.effectiveRedirectUri())) {
            throw invalid(client, code, "redirect_uri does not match the authorization request");
        }
        checkPkce(request, client, code);
        checkDpopBinding(client, code, jkt);
        // the user may have been deleted since approving: nothing is signed for a user who is gone
        return refreshTokenWhileTheUserExists(client, code, jkt).map(granted -> tokens(client, code, granted, jkt));
    }

    /** What the one PostgreSQL round trip of a redemption gives: the user's claims, and a refresh token or null. */
    private record UserAndRefresh(UserClaims user, String refreshToken) {
    }

    /**
     * The grant's refresh token, for clients with the refresh_token grant, from a family that is
     * started only while the user exists; for other clients null. Either way the user's claims
     * (for the ID token) come from the same single PostgreSQL round trip, and invalid_grant when
     * the user is gone.
     */
    private Uni<UserAndRefresh> refreshTokenWhileTheUserExists(AuthenticatedClient client, AuthorizationCode code, String jkt) {
        if (client.client().grantTypes().contains("refresh_token")) {
            // RFC 9449 §5: a public client's refresh tokens are bound to the key; a confidential
            // client's are bound to its credentials already
            String familyJkt = client.confidential() ? null : jkt;
            return refreshTokens.startFamily(code.grantId(), client.clientId(), code.userId(), code.scopes(), code.authTime(), familyJkt)
                    .map(started -> new UserAndRefresh(started.user(), started.issued().refreshToken()));
        }
        return users.claims(code.userId()).map(user -> new UserAndRefresh(
                user.orElseThrow(() -> OAuthException.invalidGrant(RefreshTokens.USER_GONE)), null));
    }

    /**
     * OpenID Connect Core §3.1.3.3: the ID token comes with the access token when `openid` was
     * granted, with the claims of the granted scopes (CONTRACT "ID tokens").
     */
    private TokenResponse tokens(AuthenticatedClient client, AuthorizationCode code, UserAndRefresh granted, String jkt) {
        TokenMinter.MintedAccessToken access = minter.accessToken(client.client(), code.userId(), code.scopes(), code.grantId(), jkt);
        String idToken = code.scopes().contains("openid")
                ? minter.idToken(client.client(), code.userId(), code.authTime(), code.nonce(), access, granted.user(), code.scopes())
                : null;
        return TokenResponse.of(access).withRefreshToken(granted.refreshToken()).withIdToken(idToken);
    }

    /**
     * RFC 9449 §10: a code whose authorization request named `dpop_jkt` is redeemed only with a
     * proof of that key, so a stolen code is of no use without the key.
     */
    private void checkDpopBinding(AuthenticatedClient client, AuthorizationCode code, String jkt) {
        if (code.dpopJkt() == null) {
            return;
        }
        if (jkt == null) {
            audit.recordFailure("token.invalid_code", client.clientId(), code.userId(), Map.of("reason", "DPoP proof missing"));
            throw OAuthException.invalidDpopProof("The authorization code is bound to a DPoP key: a proof of that key is required");
        }
        if (!code.dpopJkt().equals(jkt)) {
            throw invalid(client, code, "The DPoP proof's key is not the one the authorization code is bound to");
        }
    }

    /** RFC 7636 §4.6, and RFC 9700 §2.1.1: a verifier without a challenge is refused too. */
    private void checkPkce(ClientRequest request, AuthenticatedClient client, AuthorizationCode code) {
        String verifier = request.get("code_verifier").orElse(null);
        if (code.codeChallenge() == null) {
            if (verifier != null) {
                throw invalid(client, code, "code_verifier sent, but the authorization request had no code_challenge");
            }
            return;
        }
        if (verifier == null) {
            throw invalid(client, code, "code_verifier is required");
        }
        if (!VERIFIER.matcher(verifier).matches() || !MessageDigest.isEqual(
                s256(verifier).getBytes(StandardCharsets.US_ASCII), code.codeChallenge().getBytes(StandardCharsets.US_ASCII))) {
            throw invalid(client, code, "code_verifier does not match the code_challenge");
        }
    }

    private static String s256(String verifier) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private OAuthException invalid(AuthenticatedClient client, AuthorizationCode code, String description) {
        audit.recordFailure("token.invalid_code", client.clientId(), code.userId(), Map.of("reason", description));
        return OAuthException.invalidGrant(description);
    }
}
