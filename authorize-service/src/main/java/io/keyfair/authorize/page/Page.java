package io.keyfair.authorize.page;

/**
 * A resource a browser reads: whatever fails in it is shown as an HTML page ({@link ErrorPage}),
 * never as the JSON error of an API. Only the page resources implement it; `/admin/users` keeps
 * common's JSON errors.
 */
public interface Page {
}
