package io.keyfair.authorize.page;

/**
 * A failure shown to the person in the browser as an HTML page, never a redirect. The message is
 * public; nothing internal goes into it.
 */
public final class PageException extends RuntimeException {

    private final int status;
    private final String title;

    public PageException(int status, String title, String message) {
        super(message, null, false, false);
        this.status = status;
        this.title = title;
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
}
