package io.keyfair.common.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** How the services write their log lines. */
@ConfigMapping(prefix = "keyfair.log")
public interface LogConfig {

    /**
     * One JSON object per line on the console (`KEYFAIR_LOG_JSON=true`) instead of the text format,
     * for a log collector: time, level, logger, thread, message, `request_id` and any exception.
     */
    @WithDefault("false")
    boolean json();
}
