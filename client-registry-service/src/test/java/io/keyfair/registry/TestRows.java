package io.keyfair.registry;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.keyfair.common.testing.TestDatabase;

/**
 * Direct reads and writes of the test database, to set up what the API cannot and to check what
 * it stored. Plain JDBC, outside the service.
 */
public final class TestRows {

    /** One client_secrets row. */
    public record SecretRow(byte[] hash, Instant expiresAt) {
    }

    private TestRows() {
    }

    private static Connection connect() throws SQLException {
        String host = System.getenv().getOrDefault("KEYFAIR_DB_HOST", "127.0.0.1");
        String port = System.getenv().getOrDefault("KEYFAIR_DB_PORT", "5432");
        return DriverManager.getConnection("jdbc:postgresql://" + host + ":" + port + "/" + TestDatabase.DATABASE,
                System.getenv().getOrDefault("KEYFAIR_DB_USER", "postgres"),
                System.getenv().getOrDefault("KEYFAIR_DB_PASSWORD", ""));
    }

    public static List<SecretRow> secrets(String clientId) throws SQLException {
        try (Connection c = connect();
                PreparedStatement s = c.prepareStatement(
                        "select secret_hash, expires_at from client_secrets where client_id = ? order by id")) {
            s.setString(1, clientId);
            List<SecretRow> rows = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    Timestamp expires = rs.getTimestamp(2);
                    rows.add(new SecretRow(rs.getBytes(1), expires == null ? null : expires.toInstant()));
                }
            }
            return rows;
        }
    }

    public static long count(String sql, Object... args) throws SQLException {
        try (Connection c = connect(); PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                s.setObject(i + 1, args[i]);
            }
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** The first column of the first row as text, or null when there is no row. */
    public static String text(String sql, Object... args) throws SQLException {
        try (Connection c = connect(); PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                s.setObject(i + 1, args[i]);
            }
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    public static int execute(String sql, Object... args) throws SQLException {
        try (Connection c = connect(); PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                s.setObject(i + 1, args[i]);
            }
            return s.executeUpdate();
        }
    }

    /** The audit events of a type for a client, as `actor` values, oldest first. */
    public static List<String> auditActors(String type, String clientId) throws SQLException {
        try (Connection c = connect();
                PreparedStatement s = c.prepareStatement(
                        "select actor from audit_events where type = ? and client_id is not distinct from ? order by id")) {
            s.setString(1, type);
            s.setString(2, clientId);
            List<String> actors = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    actors.add(rs.getString(1));
                }
            }
            return actors;
        }
    }

    public static void insertInitialAccessToken(byte[] hash, Instant expiresAt) throws SQLException {
        try (Connection c = connect();
                PreparedStatement s = c.prepareStatement("insert into initial_access_tokens (token_hash, expires_at) values (?, ?)")) {
            s.setBytes(1, hash);
            s.setTimestamp(2, Timestamp.from(expiresAt));
            s.executeUpdate();
        }
    }
}
