package kb;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.connectors.HttpsConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.logging.Level;
import org.neo4j.logging.log4j.Log4jLogProvider;

/**
 * Runs Neo4j Community as a Bolt server for CI, because the only Neo4j we can
 * reach here is the embedded DBMS on Maven Central (no tarball, no Docker).
 *
 * Usage: java kb.Neo4jServer HOME_DIR PORT   (password in $NEO4J_PASSWORD)
 */
public final class Neo4jServer {
    private static final String HOST = "127.0.0.1";

    /** Page cache size: NEO4J_PAGECACHE_MB, 256 MB by default (CI's graphs are small). */
    private static long pageCacheBytes() {
        String mb = System.getenv("NEO4J_PAGECACHE_MB");
        return Long.parseLong(mb == null || mb.isEmpty() ? "256" : mb) * 1024 * 1024;
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: Neo4jServer <home-dir> <port>   (password in $NEO4J_PASSWORD)");
            System.exit(2);
        }
        int port = Integer.parseInt(args[1]);
        // Env rather than argv so the password does not show up in `ps`.
        String password = System.getenv("NEO4J_PASSWORD");
        if (password == null || password.isEmpty()) {
            System.err.println("NEO4J_PASSWORD is not set");
            System.exit(2);
        }

        try {
            DatabaseManagementService dbms = start(Path.of(args[0]).toAbsolutePath(), port);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                System.out.println("stopping neo4j");
                dbms.shutdown();
                System.out.println("stopped");
            }, "neo4j-shutdown"));
            setPassword(dbms, password);
            awaitBolt(port, Duration.ofSeconds(60));
        } catch (Throwable t) {
            // Neo4j's own non-daemon threads would keep a half-started JVM alive.
            t.printStackTrace();
            System.exit(1);
        }
        System.out.println("ready bolt://" + HOST + ":" + port);
        System.out.flush();
        // Serve until SIGTERM/SIGINT; the JVM then runs the shutdown hook above.
        Thread.currentThread().join();
    }

    private static DatabaseManagementService start(Path home, int port) {
        return new DatabaseManagementServiceBuilder(home)
                // Embedded mode logs nothing to the console by default; we want
                // startup errors in neo4j.log next to our own lines.
                .setUserLogProvider(new Log4jLogProvider(System.out, Level.INFO))
                .setConfig(BoltConnector.enabled, true)
                .setConfig(BoltConnector.listen_address, new SocketAddress(HOST, port))
                .setConfig(BoltConnector.advertised_address, new SocketAddress(HOST, port))
                // Embedded never starts the web server; say so in case that changes.
                .setConfig(HttpConnector.enabled, false)
                .setConfig(HttpsConnector.enabled, false)
                .setConfig(GraphDatabaseSettings.auth_enabled, true)
                // CI passwords may be short; and a test that tries a wrong password
                // must not lock `neo4j` out for the tests that follow it.
                .setConfig(GraphDatabaseSettings.auth_minimum_password_length, 1)
                .setConfig(GraphDatabaseSettings.auth_max_failed_attempts, 0)
                .setConfig(GraphDatabaseSettings.pagecache_memory, pageCacheBytes())
                // Pre-allocated 256 MiB transaction log files are wasted disk in CI.
                .setConfig(GraphDatabaseSettings.preallocate_logical_logs, false)
                .setConfig(GraphDatabaseSettings.udc_enabled, false)
                .build();
    }

    /**
     * Done through the system database rather than an initial-password file
     * because it is plain Cypher, and it also resets the password when the home
     * dir is reused with a different one. Embedded transactions bypass auth, so
     * this works while `neo4j` still has its default password.
     */
    private static void setPassword(DatabaseManagementService dbms, String password) {
        try {
            dbms.database("system").executeTransactionally(
                    "ALTER USER neo4j SET PASSWORD $pw CHANGE NOT REQUIRED", Map.of("pw", password));
        } catch (RuntimeException e) {
            // A reused home dir already has this password, and Neo4j refuses to
            // "change" a password to itself; that is the state we want anyway.
            for (Throwable t = e; t != null; t = t.getCause()) {
                String msg = t.getMessage();
                if (msg != null && msg.contains("Old password and new password cannot be the same")) {
                    return;
                }
            }
            throw e;
        }
    }

    /** Returns once the port completes a Bolt handshake, i.e. clients can really connect. */
    private static void awaitBolt(int port, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        // Magic preamble, then 4 proposals: Bolt 5.0-5.4, 4.4, none, none.
        byte[] hello = {
            0x60, 0x60, (byte) 0xB0, 0x17,
            0, 4, 4, 5,
            0, 0, 4, 4,
            0, 0, 0, 0,
            0, 0, 0, 0,
        };
        IOException last = null;
        while (System.nanoTime() < deadline) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(HOST, port), 1000);
                s.setSoTimeout(2000);
                OutputStream out = s.getOutputStream();
                out.write(hello);
                out.flush();
                int agreed = new DataInputStream(s.getInputStream()).readInt();
                if (agreed != 0) {
                    return;
                }
                last = new IOException("server agreed on no Bolt version");
            } catch (IOException e) {
                last = e;
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("Bolt did not answer on " + HOST + ":" + port, last);
    }

    private Neo4jServer() {}
}
