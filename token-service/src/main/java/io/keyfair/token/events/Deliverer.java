package io.keyfair.token.events;

import java.net.ConnectException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.ext.web.client.HttpRequest;
import io.vertx.mutiny.ext.web.client.WebClient;
import io.vertx.mutiny.ext.web.codec.BodyCodec;

/**
 * Delivers the outbox (CONTRACT.md, "Security events"): every {@link EventsConfig#interval()} it
 * claims due events under a lease and, by the app's stream as it is now, pushes each SET (RFC
 * 8935), parks it for the app to poll (RFC 8936), holds it (paused stream) or marks it failed (no
 * stream). Nothing here blocks an event loop; pushes run side by side, at most
 * {@link EventsConfig#concurrencyPerReceiver()} to one app, so a dead receiver only delays itself.
 */
@ApplicationScoped
public class Deliverer {

    private static final Logger LOG = Logger.getLogger(Deliverer.class);
    private static final String METRIC = "keyfair.security.events.delivered";

    private final Outbox outbox;
    private final SetSigner signer;
    private final PushTargets targets;
    private final EventsConfig config;
    private final Vertx vertx;
    private final WebClient client;
    private final Counter delivered;
    private final Counter retried;
    private final Counter failed;

    /** Pushes in flight, by app. */
    private final Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();
    private final AtomicInteger inFlightTotal = new AtomicInteger();
    private final AtomicBoolean claiming = new AtomicBoolean();
    private volatile long timer = -1;

    Deliverer(Outbox outbox, SetSigner signer, PushTargets targets, EventsConfig config, Vertx vertx, MeterRegistry metrics) {
        this.outbox = outbox;
        this.signer = signer;
        this.targets = targets;
        this.config = config;
        this.vertx = vertx;
        int timeout = (int) config.timeout().toMillis();
        this.client = WebClient.create(vertx, new WebClientOptions()
                .setConnectTimeout(timeout)
                .setIdleTimeout(timeout)
                .setIdleTimeoutUnit(java.util.concurrent.TimeUnit.MILLISECONDS)
                // a receiver's redirect would send the SET (and its credential) somewhere unchecked
                .setFollowRedirects(false)
                .setMaxPoolSize(config.concurrencyPerReceiver())
                .setUserAgent("Keyfair-SSF"));
        this.delivered = Counter.builder(METRIC).tag("result", "delivered").register(metrics);
        this.retried = Counter.builder(METRIC).tag("result", "retried").register(metrics);
        this.failed = Counter.builder(METRIC).tag("result", "failed").register(metrics);
    }

    void onStart(@Observes StartupEvent event) {
        if (config.enabled()) {
            start();
        }
    }

    /** Starts claiming every interval (again, after {@link #stop()}). */
    public synchronized void start() {
        if (timer < 0) {
            timer = vertx.setPeriodic(config.interval().toMillis(), id -> runOnce().subscribe().with(
                    n -> {
                    },
                    e -> LOG.warnf("security event delivery round failed: %s", e.getMessage())));
        }
    }

    /** Stops claiming; pushes under way finish. Claimed events not finished go to whoever claims after the lease. */
    @PreDestroy
    public synchronized void stop() {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
            timer = -1;
        }
    }

    /**
     * One round: claims what this deliverer has room for and starts working on each; how many it
     * claimed. Rounds never overlap, so the free slots it counted stay free until it dispatched.
     */
    public Uni<Integer> runOnce() {
        int room = Math.min(config.batch(), config.concurrency() - inFlightTotal.get());
        if (room <= 0 || !claiming.compareAndSet(false, true)) {
            return Uni.createFrom().item(0);
        }
        Map<String, Integer> busy = new HashMap<>();
        inFlight.forEach((app, n) -> {
            if (n.get() > 0) {
                busy.put(app, Math.max(0, config.concurrencyPerReceiver() - n.get()));
            }
        });
        return outbox.claim(room, busy, config.concurrencyPerReceiver(), config.lease())
                .invoke(this::dispatch)
                .map(List::size)
                .eventually(() -> claiming.set(false));
    }

    private void dispatch(List<OutboxEvent> events) {
        for (OutboxEvent e : events) {
            boolean push = e.hasStream() && "enabled".equals(e.streamStatus()) && OutboxEvent.PUSH.equals(e.deliveryMethod());
            if (push) {
                inFlight.computeIfAbsent(e.clientId(), k -> new AtomicInteger()).incrementAndGet();
                inFlightTotal.incrementAndGet();
            }
            handle(e).eventually(() -> {
                if (push) {
                    inFlightTotal.decrementAndGet();
                    inFlight.computeIfPresent(e.clientId(), (k, n) -> n.decrementAndGet() <= 0 ? null : n);
                }
            }).subscribe().with(v -> {
            }, err -> LOG.warnf("security event %d: %s", e.id(), err.getMessage()));
        }
    }

    private Uni<Void> handle(OutboxEvent e) {
        if (!e.hasStream()) {
            failed.increment();
            return outbox.fail(e.id(), "no stream");
        }
        if ("paused".equals(e.streamStatus())) {
            return outbox.hold(e.id(), config.pausedRecheck());
        }
        if (e.polled()) {
            if (e.createdAt() + config.pollRetention().toSeconds() <= System.currentTimeMillis() / 1000) {
                failed.increment();
                return outbox.fail(e.id(), "not acknowledged within " + config.pollRetention().toDays() + " days");
            }
            return outbox.park(e.id(), signer.set(e), config.pollRetention());
        }
        if (!OutboxEvent.PUSH.equals(e.deliveryMethod())) {
            failed.increment();
            return outbox.fail(e.id(), "no stream");
        }
        return targets.refusal(e.endpointUrl())
                .onFailure().recoverWithItem(err -> null)
                .flatMap(refusal -> {
                    if (refusal == null) {
                        return retry(e, "DNS resolution failed");
                    }
                    if (refusal.isPresent()) {
                        failed.increment();
                        return outbox.fail(e.id(), refusal.get());
                    }
                    return push(e);
                });
    }

    private Uni<Void> push(OutboxEvent e) {
        String set = signer.set(e);
        // stored before it is sent: every retry sends these same bytes
        Uni<Void> stored = e.setJwt() == null ? outbox.storeSet(e.id(), set) : Uni.createFrom().voidItem();
        return stored.flatMap(v -> send(e, set)).flatMap(status -> {
            // RFC 8935 §2: 202 Accepted is delivery; another 2xx is taken as one too (the receiver has the SET)
            if (status >= 200 && status < 300) {
                delivered.increment();
                return outbox.delivered(e.id(), set);
            }
            return retry(e, "HTTP " + status);
        }).onFailure().recoverWithUni(err -> retry(e, describe(err)));
    }

    private Uni<Integer> send(OutboxEvent e, String set) {
        HttpRequest<Void> request = client.postAbs(e.endpointUrl())
                .putHeader("Content-Type", "application/secevent+jwt")
                .putHeader("Accept", "application/json")
                .timeout(config.timeout().toMillis())
                .as(BodyCodec.none());
        if (e.authorizationHeader() != null && !e.authorizationHeader().isEmpty()) {
            request.putHeader("Authorization", e.authorizationHeader());
        }
        return request.sendBuffer(io.vertx.mutiny.core.buffer.Buffer.newInstance(Buffer.buffer(set)))
                // the whole exchange, connecting included, within the timeout
                .ifNoItem().after(config.timeout()).failWith(TimeoutException::new)
                .map(response -> response.statusCode());
    }

    private Uni<Void> retry(OutboxEvent e, String error) {
        int attempt = e.attempts() + 1;
        return outbox.retry(e.id(), error, backoff(attempt), config.retryFor()).invoke(again -> {
            if (again) {
                retried.increment();
            } else {
                failed.increment();
            }
        }).replaceWithVoid();
    }

    /** base · 2^(attempt − 1), at most the maximum, plus up to a tenth more so receivers are not hit in step. */
    Duration backoff(int attempt) {
        long base = config.backoffBase().toMillis();
        long max = config.backoffMax().toMillis();
        long delay = attempt >= 31 ? max : Math.min(max, base << Math.max(0, attempt - 1));
        return Duration.ofMillis(delay + ThreadLocalRandom.current().nextLong(delay / 10 + 1));
    }

    /** A short reason for the event's record: never the URL, the SET or the receiver's credential. */
    private static String describe(Throwable err) {
        for (Throwable t = err; t != null; t = t.getCause()) {
            if (t instanceof TimeoutException || t.getClass().getSimpleName().contains("Timeout")) {
                return "timeout";
            }
            if (t instanceof ConnectException) {
                return "connection refused";
            }
            if (t instanceof javax.net.ssl.SSLException) {
                return "TLS error";
            }
        }
        return "connection error";
    }
}
