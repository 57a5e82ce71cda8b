package io.keyfair.common.schema;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * Migrates the schema once per deployment (a Kubernetes Job, `deploy/local/up`, the test
 * set-up), never from every replica at start-up. Reads KEYFAIR_DB_HOST, KEYFAIR_DB_PORT,
 * KEYFAIR_DB_NAME, KEYFAIR_DB_USER and KEYFAIR_DB_PASSWORD.
 */
public final class SchemaMigration {

    private SchemaMigration() {
    }

    public static MigrateResult migrate(String jdbcUrl, String user, String password) {
        return Flyway.configure()
                .dataSource(jdbcUrl, user, password)
                .locations("classpath:db/migration")
                .load()
                .migrate();
    }

    public static String jdbcUrl(String host, String port, String database) {
        return "jdbc:postgresql://" + host + ":" + port + "/" + database;
    }

    public static void main(String[] args) {
        String url = jdbcUrl(env("KEYFAIR_DB_HOST", "127.0.0.1"), env("KEYFAIR_DB_PORT", "5432"), env("KEYFAIR_DB_NAME", "keyfair"));
        MigrateResult result = migrate(url, env("KEYFAIR_DB_USER", "postgres"), env("KEYFAIR_DB_PASSWORD", ""));
        System.out.printf("schema of %s at version %s (%d migrations applied)%n", url,
                result.targetSchemaVersion == null ? result.initialSchemaVersion : result.targetSchemaVersion,
                result.migrationsExecuted);
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
