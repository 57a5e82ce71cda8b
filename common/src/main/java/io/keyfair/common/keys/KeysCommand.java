package io.keyfair.common.keys;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import com.nimbusds.jose.JWSAlgorithm;

/**
 * The `keys` command (`deploy/keys`): rotates the signing keys in a key file without the services
 * running. It reads the key set from {@code --file} (or `-`, standard input), applies one
 * {@link KeyRotation} step and writes the file back atomically, or, with {@code --k8s-secret NAME},
 * prints a Secret manifest for `kubectl apply -f -` and leaves the file alone. Exit status: 0 done,
 * 1 refused (the message says why), 2 usage.
 */
public final class KeysCommand {

    static final String USAGE = """
            usage: keys [--file FILE|-] [--k8s-secret NAME [--namespace NS]] COMMAND [OPTIONS]

              list                                 the keys: kid, alg, status, retired_at (no key material)
              generate [--force]                   a new set: one active RS256 and one active ES256 key
              add-next [--alg RS256|ES256]         publish a next key (default: one per algorithm)
              promote [--alg RS256|ES256]          the next key signs; the key it replaces is retired
                                                   (default: every algorithm that has a next key)
              retire KID                           retire a next key that is no longer wanted
              prune [--max-token-lifetime D] [--kid KID]
                                                   remove retired keys whose tokens have all expired:
                                                   retired more than D (default 7d) and 5 s ago

              --file FILE       the key file (default: $KEYFAIR_KEYS_FILE); - reads standard input
              --k8s-secret NAME print a Secret manifest (data keys.json) instead of writing the file
              D                 86400s, 90m, 24h, 7d or ISO-8601 (PT24H)

            Between add-next and promote, wait until every instance reloaded the file
            (keyfair.keys.reload-interval) and verifiers may have fetched the JWKS. The default
            prune lifetime covers access and ID tokens (at most 24 h) and security events waiting
            to be polled (kept 7 days, each signed once).""";

    static final Duration DEFAULT_MAX_TOKEN_LIFETIME = Duration.ofDays(7);

    private final PrintStream out;
    private final PrintStream err;
    private final Clock clock;

    KeysCommand(PrintStream out, PrintStream err, Clock clock) {
        this.out = out;
        this.err = err;
        this.clock = clock;
    }

    public static void main(String[] args) {
        System.exit(new KeysCommand(System.out, System.err, Clock.systemUTC()).run(args));
    }

    private static final class UsageException extends RuntimeException {
        UsageException(String message) {
            super(message);
        }
    }

    /** The parsed command line. */
    private record Options(String command, List<String> arguments, Optional<String> file, Optional<String> secret,
            Optional<String> namespace, Optional<JWSAlgorithm> algorithm, Duration maxTokenLifetime,
            Optional<String> kid, boolean force) {
    }

    int run(String... args) {
        Options options;
        try {
            options = parse(args);
        } catch (UsageException e) {
            err.println("keys: " + e.getMessage());
            err.println(USAGE);
            return 2;
        }
        try {
            return execute(options);
        } catch (KeyRotation.Refused e) {
            err.println("keys: refused: " + e.getMessage());
            return 1;
        } catch (UsageException e) {
            err.println("keys: " + e.getMessage());
            return 2;
        } catch (IOException e) {
            err.println("keys: " + e.getMessage());
            return 1;
        }
    }

    private int execute(Options o) throws IOException {
        // retired_at is kept in whole seconds: round up, so a key is never retired before its last token
        Instant exact = clock.instant();
        Instant now = Instant.ofEpochSecond(exact.getEpochSecond() + (exact.getNano() > 0 ? 1 : 0));
        if (o.command().equals("generate")) {
            Path file = o.file().filter(f -> !f.equals("-")).map(Path::of).orElse(null);
            if (o.secret().isEmpty() && file == null) {
                throw new UsageException("generate needs --file FILE or --k8s-secret NAME");
            }
            if (o.secret().isEmpty() && Files.exists(file) && !o.force()) {
                throw new KeyRotation.Refused(file + " exists: rotate its keys, or pass --force to replace them all"
                        + " (every token signed so far stops verifying)");
            }
            return emit(o, KeyRotation.generate(), "generated a key set");
        }
        KeyRing ring = read(o);
        switch (o.command()) {
            case "list" -> {
                list(ring);
                return 0;
            }
            case "add-next" -> {
                KeyRing result = ring;
                for (JWSAlgorithm alg : o.algorithm().map(List::of).orElse(KeyRotation.ALGORITHMS)) {
                    result = KeyRotation.addNext(result, alg);
                }
                return emit(o, result, "added next keys; promote them once every instance has reloaded");
            }
            case "promote" -> {
                List<JWSAlgorithm> algorithms = o.algorithm().map(List::of).orElseGet(() -> ring.entries().stream()
                        .filter(e -> e.state() == KeyState.NEXT).map(KeyRing.Entry::algorithm).distinct().toList());
                if (algorithms.isEmpty()) {
                    throw new KeyRotation.Refused("there is no next key: add-next first");
                }
                KeyRing result = ring;
                for (JWSAlgorithm alg : algorithms) {
                    result = KeyRotation.promote(result, alg, now);
                }
                return emit(o, result, "promoted; the replaced keys are retired as of " + now);
            }
            case "retire" -> {
                if (o.arguments().size() != 1) {
                    throw new UsageException("retire takes one KID");
                }
                return emit(o, KeyRotation.retire(ring, o.arguments().get(0), now), "retired " + o.arguments().get(0));
            }
            case "prune" -> {
                KeyRotation.Pruned pruned = KeyRotation.prune(ring, o.maxTokenLifetime(), now, o.kid());
                pruned.kept().forEach(err::println);
                if (pruned.prunedKids().isEmpty()) {
                    err.println("nothing to prune");
                    return o.secret().isPresent() ? emit(o, ring, "unchanged") : 0;
                }
                return emit(o, pruned.ring(), "pruned " + String.join(", ", pruned.prunedKids()));
            }
            default -> throw new UsageException("unknown command " + o.command());
        }
    }

    private KeyRing read(Options o) throws IOException {
        String file = o.file().orElseThrow(() -> new UsageException("no key file: pass --file or set KEYFAIR_KEYS_FILE"));
        String json = file.equals("-") ? new String(System.in.readAllBytes(), StandardCharsets.UTF_8)
                : Files.readString(Path.of(file));
        return KeyRing.parse(json);
    }

    private int emit(Options o, KeyRing ring, String what) throws IOException {
        if (o.secret().isPresent()) {
            out.print(secretManifest(o.secret().get(), o.namespace(), ring));
            err.println(what + " (Secret manifest on standard output)");
            return 0;
        }
        String file = o.file().filter(f -> !f.equals("-"))
                .orElseThrow(() -> new UsageException("with --file - the result goes to --k8s-secret NAME"));
        KeyFile.write(Path.of(file), ring);
        err.println(what + ": " + file);
        list(ring);
        return 0;
    }

    private void list(KeyRing ring) {
        for (KeyRing.Entry e : ring.entries()) {
            out.println(String.join("\t", e.kid(), e.algorithm().getName(), e.state().name().toLowerCase(Locale.ROOT),
                    e.retiredAt().map(Instant::toString).orElse("")));
        }
    }

    static String secretManifest(String name, Optional<String> namespace, KeyRing ring) {
        String data = Base64.getEncoder().encodeToString(ring.toJson().getBytes(StandardCharsets.UTF_8));
        return "apiVersion: v1\nkind: Secret\nmetadata:\n  name: " + name + "\n"
                + namespace.map(ns -> "  namespace: " + ns + "\n").orElse("")
                + "type: Opaque\ndata:\n  keys.json: " + data + "\n";
    }

    private static Options parse(String[] args) {
        String command = null;
        List<String> arguments = new ArrayList<>();
        Optional<String> file = Optional.ofNullable(System.getenv("KEYFAIR_KEYS_FILE")).filter(f -> !f.isBlank());
        Optional<String> secret = Optional.empty();
        Optional<String> namespace = Optional.empty();
        Optional<JWSAlgorithm> algorithm = Optional.empty();
        Duration lifetime = DEFAULT_MAX_TOKEN_LIFETIME;
        Optional<String> kid = Optional.empty();
        boolean force = false;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--file" -> file = Optional.of(value(args, ++i, a));
                case "--k8s-secret" -> secret = Optional.of(value(args, ++i, a));
                case "--namespace", "-n" -> namespace = Optional.of(value(args, ++i, a));
                case "--alg" -> {
                    String alg = value(args, ++i, a).toUpperCase(Locale.ROOT);
                    if (!alg.equals("RS256") && !alg.equals("ES256")) {
                        throw new UsageException("--alg is RS256 or ES256");
                    }
                    algorithm = Optional.of(JWSAlgorithm.parse(alg));
                }
                case "--max-token-lifetime" -> lifetime = duration(value(args, ++i, a));
                case "--kid" -> kid = Optional.of(value(args, ++i, a));
                case "--force" -> force = true;
                case "-h", "--help" -> throw new UsageException("help");
                default -> {
                    if (a.startsWith("--")) {
                        throw new UsageException("unknown option " + a);
                    } else if (command == null) {
                        command = a;
                    } else {
                        arguments.add(a);
                    }
                }
            }
        }
        if (command == null) {
            throw new UsageException("no command");
        }
        if (!command.equals("retire") && !arguments.isEmpty()) {
            throw new UsageException("unexpected argument " + arguments.get(0));
        }
        return new Options(command, arguments, file, secret, namespace, algorithm, lifetime, kid, force);
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new UsageException(option + " needs a value");
        }
        return args[i];
    }

    static Duration duration(String text) {
        try {
            Duration d;
            if (text.startsWith("P") || text.startsWith("p")) {
                d = Duration.parse(text);
            } else {
                char unit = Character.toLowerCase(text.charAt(text.length() - 1));
                String number = Character.isDigit(unit) ? text : text.substring(0, text.length() - 1);
                long n = Long.parseLong(number);
                d = switch (unit) {
                    case 'd' -> Duration.ofDays(n);
                    case 'h' -> Duration.ofHours(n);
                    case 'm' -> Duration.ofMinutes(n);
                    case 's' -> Duration.ofSeconds(n);
                    default -> {
                        if (!Character.isDigit(unit)) {
                            throw new NumberFormatException();
                        }
                        yield Duration.ofSeconds(n);
                    }
                };
            }
            if (d.isNegative()) {
                throw new UsageException("a lifetime is not negative: " + text);
            }
            return d;
        } catch (NumberFormatException | DateTimeParseException | StringIndexOutOfBoundsException e) {
            throw new UsageException("not a duration: " + text + " (86400s, 90m, 24h, 7d or PT24H)");
        }
    }
}
