package io.keyfair.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** The CA that `deploy/local/up` made for KEYFAIR_TLS=1, as a trust store of that one certificate. */
final class LocalCa {

    private LocalCa() {
    }

    static KeyStore trustStore(Path pem) {
        try (InputStream in = Files.newInputStream(pem)) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            int i = 0;
            for (Certificate ca : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                store.setCertificateEntry("keyfair-local-ca-" + i++, ca);
            }
            if (i == 0) {
                throw new IllegalStateException(pem + " holds no certificate");
            }
            return store;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot read the local CA " + pem + " (deploy/local/up with KEYFAIR_TLS=1 makes it)", e);
        }
    }

    static SSLContext sslContext(KeyStore trust) {
        try {
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext ssl = SSLContext.getInstance("TLS");
            ssl.init(null, tmf.getTrustManagers(), null);
            return ssl;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
