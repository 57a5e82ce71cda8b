package io.keyfair.common.crypto;

import java.security.Provider;
import java.security.Security;
import java.util.Locale;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ImageMode;
import io.quarkus.runtime.Startup;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * The JCA provider that signs and verifies tokens. Signing is the floor of the token endpoint's
 * cost (DESIGN.md), and the JDK's RSA and ECDSA are several times slower than an OpenSSL-class
 * provider, so where the platform has one (Amazon Corretto Crypto Provider, Linux x86_64 JVM) it
 * is installed first; elsewhere, and in native images, the JDK's providers serve. The choice is
 * logged at start-up and exposed as the metric `keyfair_crypto_provider{provider=…}`.
 */
@Startup
@ApplicationScoped
public class CryptoProvider {

    private static final Logger LOG = Logger.getLogger(CryptoProvider.class);
    private static final String ACCP_CLASS = "com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider";

    /** Which provider to use. */
    @ConfigMapping(prefix = "keyfair.crypto")
    public interface Config {

        /**
         * `auto` (ACCP where it loads and is healthy, else the JDK), `accp` (fail start-up without
         * it) or `jdk`.
         */
        @WithDefault("auto")
        String provider();
    }

    private final String active;

    CryptoProvider(Config config, MeterRegistry metrics) {
        this.active = install(config.provider().toLowerCase(Locale.ROOT));
        LOG.infof("crypto provider: %s", active);
        Gauge.builder("keyfair.crypto.provider", () -> 1).tag("provider", active)
                .description("The JCA provider signing and verifying tokens").register(metrics);
    }

    /** A name for the active provider, e.g. `AmazonCorrettoCryptoProvider 2.5.0` or `JDK (SunRsaSign, SunEC)`. */
    public String active() {
        return active;
    }

    private static synchronized String install(String choice) {
        if (!choice.equals("jdk")) {
            Provider accp = ImageMode.current() == ImageMode.NATIVE_RUN ? null : loadAccp();
            if (accp != null) {
                if (Security.getProvider(accp.getName()) == null) {
                    Security.insertProviderAt(accp, 1);
                }
                return accp.getName() + " " + accp.getVersionStr();
            }
            if (choice.equals("accp")) {
                throw new IllegalStateException("keyfair.crypto.provider=accp, but Amazon Corretto Crypto Provider is not usable here");
            }
        }
        return "JDK (" + Security.getProvider("SunRsaSign").getName() + ", " + Security.getProvider("SunEC").getName() + ")";
    }

    /** ACCP when its native library loads and passes its self-tests on this platform, else null. */
    private static Provider loadAccp() {
        Provider existing = Security.getProvider("AmazonCorrettoCryptoProvider");
        if (existing != null) {
            return existing;
        }
        try {
            Class<?> type = Class.forName(ACCP_CLASS);
            Provider provider = (Provider) type.getField("INSTANCE").get(null);
            Throwable problem = (Throwable) type.getMethod("getLoadingError").invoke(provider);
            if (problem != null) {
                LOG.infof("Amazon Corretto Crypto Provider unavailable: %s", problem.getMessage());
                return null;
            }
            type.getMethod("assertHealthy").invoke(provider);
            return provider;
        } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
            LOG.infof("Amazon Corretto Crypto Provider unavailable: %s", e.toString());
            return null;
        }
    }
}
