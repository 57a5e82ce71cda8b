package io.keyfair.authorize.page;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.keyfair.common.config.OAuthConfig;

/** Cookie attributes and our own URLs, for an http and an https issuer. */
class CookiesAndLinksTest {

    static OAuthConfig issuer(String issuer) {
        return new OAuthConfig() {
            @Override
            public String issuer() {
                return issuer;
            }

            @Override
            public Optional<String> audience() {
                return Optional.empty();
            }

            @Override
            public Duration accessTokenTtl() {
                return Duration.ofHours(1);
            }

            @Override
            public Duration refreshTokenTtl() {
                return Duration.ofDays(30);
            }

            @Override
            public Duration codeTtl() {
                return Duration.ofSeconds(60);
            }
        };
    }

    @Test
    void cookiesAreSecureUnderAnHttpsIssuerOnly() {
        assertTrue(new Links(issuer("https://id.market.example")).secure());
        assertFalse(new Links(issuer("http://localhost:8080")).secure());
        assertEquals("kf_session=abc; Path=/; HttpOnly; SameSite=Lax; Secure", Cookies.set("kf_session", "abc", true));
        assertEquals("kf_session=abc; Path=/; HttpOnly; SameSite=Lax", Cookies.set("kf_session", "abc", false));
        assertTrue(Cookies.clear("kf_session", true).contains("Max-Age=0"));
    }

    @Test
    void linksFollowTheIssuerIncludingItsPath() {
        Links links = new Links(issuer("https://market.example/auth/"));
        assertEquals("https://market.example/auth/login?req=ab", links.login("ab"));
        assertEquals("/auth/consent", links.path("/consent"));
        assertEquals("https://market.example", links.origin());
    }

    @Test
    void onlyWebUrisReachOurPages() {
        assertNull(Links.webOnly("javascript:alert(1)"));
        assertNull(Links.webOnly("data:text/html,x"));
        assertEquals("https://cdn.example/logo.png", Links.webOnly("https://cdn.example/logo.png"));
    }
}
