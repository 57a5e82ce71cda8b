package io.keyfair.common.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.Properties;

import io.keyfair.common.keys.DevKeySet;
import io.keyfair.common.schema.SchemaMigration;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Prepares the real PostgreSQL the tests run against: creates `keyfair_test` when missing and
 * migrates it, and generates a key set for the module's tests. Nothing is mocked.
 */
public class TestDatabase implements QuarkusTestResourceLifecycleManager {

    /** `keyfair_test`, or `KEYFAIR_TEST_DB` so that parallel checkouts do not share one. */
    public static final String DATABASE = System.getenv().getOrDefault("KEYFAIR_TEST_DB", "keyfair_test");
    public static final Path KEYS = Path.of("target", "keyfair-test-keys.json").toAbsolutePath();

    @Override
    public Map<String, String> start() {
        String host = System.getenv().getOrDefault("KEYFAIR_DB_HOST", "127.0.0.1");
        String port = System.getenv().getOrDefault("KEYFAIR_DB_PORT", "5432");
        String user = System.getenv().getOrDefault("KEYFAIR_DB_USER", "postgres");
        String password = System.getenv().getOrDefault("KEYFAIR_DB_PASSWORD", "");
        createDatabaseIfMissing(SchemaMigration.jdbcUrl(host, port, "postgres"), user, password);
        SchemaMigration.migrate(SchemaMigration.jdbcUrl(host, port, DATABASE), user, password);
        try {
            if (!Files.exists(KEYS)) {
                Files.createDirectories(KEYS.getParent());
                Files.writeString(KEYS, DevKeySet.generateJson());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return Map.of(
                "quarkus.datasource.reactive.url", "postgresql://" + host + ":" + port + "/" + DATABASE,
                "keyfair.keys.file", KEYS.toString(),
                "keyfair.keys.jwks-url", "file:" + KEYS);
    }

    private static void createDatabaseIfMissing(String url, String user, String password) {
        Properties credentials = new Properties();
        credentials.setProperty("user", user);
        credentials.setProperty("password", password);
        // the driver itself, not DriverManager: after a test profile restarted Quarkus in this JVM,
        // DriverManager no longer offers the driver the first application's class loader registered
        try (Connection c = new org.postgresql.Driver().connect(url, credentials); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("select 1 from pg_database where datname = '" + DATABASE + "'")) {
                if (rs.next()) {
                    return;
                }
            }
            s.execute("create database " + DATABASE);
        } catch (SQLException e) {
            if (!"42P04".equals(e.getSQLState())) { // created concurrently: fine
                throw new IllegalStateException("cannot prepare the test database", e);
            }
        }
    }

    @Override
    public void stop() {
    }
}
