package io.keyfair.authorize.page;

import java.time.Duration;

/**
 * A failure shown to the person in the browser as an HTML page, never a redirect. The message is
 * public; nothing internal goes into it.
 */
public final class PageException extends RuntimeException {

    private final int status;
    private final String title;
    private final long retryAfterSeconds;

    public PageException(int status, String title, String message) {
        this(status, title, message, 0);
    }

    private PageException(int status, String title, String message, long retryAfterSeconds) {
        super(message, null, false, false);
        this.status = status;
        this.title = title;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /** 429 with `Retry-After`: this browser's address asked too often. */
    public static PageException tooManyRequests(Duration retryAfter) {
        return new PageException(429, "Too many requests", "Too many sign-in requests came from your network. Please wait a moment and try again.",
                Math.max(1, (retryAfter.toMillis() + 999) / 1000));
    }

    public static PageException badRequest(String message) {
        return new PageException(400, "This request cannot be completed", message);
    }

    /** The sign-in or consent step refers to an authorization request we no longer hold. */
    public static PageException requestExpired() {
        return badRequest("This sign-in request has expired or was already completed. Go back to the app and start again.");
    }

    public static PageException forbidden(String message) {
        return new PageException(403, "This request was refused", message);
    }

    public int status() {
        return status;
    }

    public String title() {
        return title;
    }

    /** Seconds for `Retry-After`, or 0 for none. */
    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
