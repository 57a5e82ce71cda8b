package io.keyfair.common.log;

import java.util.logging.Handler;
import java.util.logging.Logger;

import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import org.jboss.logmanager.ExtHandler;
import org.jboss.logmanager.handlers.ConsoleHandler;

import io.keyfair.common.config.LogConfig;
import io.quarkus.runtime.StartupEvent;

/**
 * Switches the console to {@link JsonLogFormatter} when `keyfair.log.json` is set, as the service
 * starts (the few lines Quarkus writes before that stay text). Quarkus puts its console handler
 * under the root logger, possibly inside a wrapping handler, so the tree is walked.
 */
@Singleton
public class JsonLogs {

    void onStart(@Observes @Priority(1) StartupEvent start, LogConfig config) {
        if (config.json()) {
            JsonLogFormatter formatter = new JsonLogFormatter();
            for (Handler handler : Logger.getLogger("").getHandlers()) {
                install(handler, formatter);
            }
        }
    }

    private static void install(Handler handler, JsonLogFormatter formatter) {
        if (handler instanceof ConsoleHandler) {
            handler.setFormatter(formatter);
        }
        if (handler instanceof ExtHandler ext) {
            for (Handler child : ext.getHandlers()) {
                install(child, formatter);
            }
        }
    }
}
