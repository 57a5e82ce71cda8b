package io.keyfair.token.events;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Delivery of security events (CONTRACT.md, "Security events"): only token-service signs and sends them. */
@ConfigMapping(prefix = "keyfair.events")
public interface EventsConfig {

    /** Whether this replica delivers; every replica may, a lease keeps each event with one of them. */
    @WithDefault("true")
    boolean enabled();

    /** How often the outbox is asked for due events. */
    @WithDefault("PT0.5S")
    Duration interval();

    /** How long a deliverer holds the events it claimed; one that stopped loses them to another then. */
    @WithDefault("PT30S")
    Duration lease();

    /** Events claimed per round at most. */
    @WithDefault("50")
    int batch();

    /** Pushes in flight at once, over every receiver. */
    @WithDefault("64")
    int concurrency();

    /** Pushes in flight at once to one app's receiver, so a dead one cannot take every slot. */
    @WithDefault("4")
    int concurrencyPerReceiver();

    /** No answer from a receiver within this (connecting included) is a failed attempt. */
    @WithDefault("PT5S")
    Duration timeout();

    /** The first retry's delay; each further one doubles it, up to {@link #backoffMax()}. */
    @WithDefault("PT5S")
    Duration backoffBase();

    @WithDefault("PT1H")
    Duration backoffMax();

    /** How long a pushed event is retried before it is marked failed. */
    @WithDefault("PT24H")
    Duration retryFor();

    /** How long a polled event waits for its acknowledgement before it is marked failed. */
    @WithDefault("P7D")
    Duration pollRetention();

    /** How long a paused stream's due event waits before it is looked at again. */
    @WithDefault("PT30S")
    Duration pausedRecheck();

    /** How long `POST /ssf/poll` with `returnImmediately: false` waits for an event. */
    @WithDefault("PT5S")
    Duration pollWait();

    /**
     * Refuses push endpoints whose host resolves to a loopback, private (site-local, unique local),
     * link-local or unspecified address: on in production (`KEYFAIR_EVENTS_REFUSE_PRIVATE_ADDRESSES`),
     * off in the local stack, whose receivers run beside it.
     */
    @WithDefault("false")
    boolean refusePrivateAddresses();
}
