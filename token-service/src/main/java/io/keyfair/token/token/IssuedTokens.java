package io.keyfair.token.token;

import java.util.HashMap;
import java.util.Map;

import jakarta.enterprise.inject.Instance;
import jakarta.inject.Singleton;

import com.nimbusds.jose.JWSAlgorithm;

import io.keyfair.common.client.ClientRecord;
import io.keyfair.token.grant.GrantHandler;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;

/**
 * `keyfair_tokens_issued_total{grant_type, alg}`: token responses by grant and by the algorithm
 * that signed their access token (the client's {@link ClientRecord#signingAlgorithm()}). Every
 * pair is registered at start, so counting is two map lookups; both labels are closed sets (the
 * grant handlers, the two algorithms), never a client id.
 */
// created at start, so that every series is exported (at 0) before its first event
@Startup
@Singleton
public class IssuedTokens {

    private static final JWSAlgorithm[] ALGORITHMS = { JWSAlgorithm.RS256, JWSAlgorithm.ES256 };

    private final Map<String, Map<JWSAlgorithm, Counter>> counters = new HashMap<>();

    IssuedTokens(Instance<GrantHandler> grants, MeterRegistry registry) {
        for (GrantHandler grant : grants) {
            Map<JWSAlgorithm, Counter> byAlgorithm = new HashMap<>();
            for (JWSAlgorithm alg : ALGORITHMS) {
                byAlgorithm.put(alg, Counter.builder("keyfair.tokens.issued")
                        .description("Token responses by grant type and access token signing algorithm")
                        .tag("grant_type", grant.grantType()).tag("alg", alg.getName()).register(registry));
            }
            counters.put(grant.grantType(), byAlgorithm);
        }
    }

    /** One token response of this grant to this client. */
    public void issued(String grantType, ClientRecord client) {
        Map<JWSAlgorithm, Counter> byAlgorithm = counters.get(grantType);
        Counter counter = byAlgorithm == null ? null : byAlgorithm.get(client.signingAlgorithm());
        if (counter != null) {
            counter.increment();
        }
    }
}
