package io.tributary.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

/** The runnable tree of {@code mvn package}: its launcher and its configs. */
class TreeIT {
    private static final String TRIBUTARY = Command.TREE.resolve("bin/tributary").toString();

    @Test
    void versionRunsThroughASymlinkAsDebiansUsrBinDoes(@TempDir Path folder) throws Exception {
        Path link = Files.createSymbolicLink(folder.resolve("tributary"), Command.TREE.resolve("bin/tributary"));

        Command version = Command.run(List.of(link.toString(), "--version")).succeeded();

        assertThat(version.out().lines().toList()).first().isEqualTo("tributary " + Command.VERSION);
        assertThat(version.out()).contains("Kafka client ", "Java ");
    }

    @Test
    void theReferenceConfigValidates() throws Exception {
        createTheReferencesOrdersTable();

        Path reference = Command.TREE.resolve("config/tributary.yaml");
        Command validate = Command.run(List.of(TRIBUTARY, "validate", "--config", reference.toString()));

        assertThat(validate.err()).isEmpty();
        assertThat(validate.out()).isEqualTo(reference + ": valid (5 source(s), 4 interceptor(s))\n");
        assertThat(validate.exitCode()).isZero();
    }

    @Test
    void theReferenceShowsEverySettingOfEveryBuiltInPluginsSample() throws Exception {
        String reference = Files.readString(Command.REPOSITORY.resolve("config/tributary.yaml"));
        List<String> missing = new ArrayList<>();
        for (String plugin : List.of("file-tail", "syslog", "jdbc", "journald", "connect", "interceptors")) {
            Map<String, Object> sample = new Yaml().load(Files.readString(Command.REPOSITORY.resolve("plugins/" + plugin + "/sample.yaml")));
            for (String key : keys(sample.containsKey("sources") ? sample.get("sources") : sample.get("interceptors"), new TreeSet<>())) {
                if (!reference.matches("(?s).*\\n[ #-]*" + Pattern.quote(key) + ":.*")) {
                    missing.add(plugin + ": " + key);
                }
            }
        }
        assertThat(missing).isEmpty();
    }

    @Test
    void theLauncherRefusesAJavaOlderThan17(@TempDir Path javaHome) throws Exception {
        Path java = Files.createDirectories(javaHome.resolve("bin")).resolve("java");
        Files.writeString(java, "#!/bin/sh\necho 'openjdk version \"11.0.22\" 2024-01-16' >&2\n", StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));

        Command version = Command.run(List.of(TRIBUTARY, "--version"), Map.of("JAVA_HOME", javaHome.toString()));

        assertThat(version.exitCode()).isEqualTo(2);
        assertThat(version.err()).isEqualTo("tributary: needs Java 17 or newer; " + java + " is version 11.0.22\n");
    }

    @Test
    void theLauncherNamesAJavaHomeWithoutJava(@TempDir Path javaHome) {
        Command version = Command.run(List.of(TRIBUTARY, "--version"), Map.of("JAVA_HOME", javaHome.toString()));

        assertThat(version.exitCode()).isEqualTo(2);
        assertThat(version.err()).isEqualTo("tributary: JAVA_HOME is " + javaHome + ", which has no bin/java\n");
    }

    @Test
    void theLauncherPassesJavaOpts() {
        Command version = Command.run(List.of(TRIBUTARY, "--version"), Map.of("JAVA_OPTS", "-Xmx64m -Dtributary.unused=1 -XX:+PrintCommandLineFlags"));

        assertThat(version.succeeded().out()).contains("-XX:MaxHeapSize=67108864");
    }

    /** From Java 17.0.9, 21.0.1 and 22 the JVM can give back what glibc keeps of its freed native memory. */
    @Test
    void theLauncherTrimsTheNativeHeapWhereTheJavaCan() {
        Runtime.Version java = Runtime.version();
        boolean trims = java.feature() == 17 ? java.update() >= 9 : java.feature() == 21 ? java.update() >= 1 : java.feature() >= 22;

        Command version = Command.run(List.of(TRIBUTARY, "--version"), Map.of("JAVA_OPTS", "-XX:+PrintCommandLineFlags",
                "JAVA_HOME", System.getProperty("java.home")));

        if (trims) {
            assertThat(version.succeeded().out()).contains("-XX:TrimNativeHeapInterval=5000");
        } else {
            assertThat(version.succeeded().out()).doesNotContain("TrimNativeHeapInterval");
        }
    }

    @Test
    void theLauncherGivesTheEmbeddedBrokerRoomOnlyWhereTheTreeHasIt(@TempDir Path withoutBroker) throws Exception {
        Files.createDirectories(withoutBroker.resolve("bin"));
        Files.copy(Command.TREE.resolve("bin/tributary"), withoutBroker.resolve("bin/tributary"), StandardCopyOption.COPY_ATTRIBUTES);
        Path lib = Files.createDirectories(withoutBroker.resolve("lib"));
        try (Stream<Path> jars = Files.list(Command.TREE.resolve("lib"))) {
            for (Path jar : jars.filter(Files::isRegularFile).toList()) {
                Files.createSymbolicLink(lib.resolve(jar.getFileName()), jar);
            }
        }
        Map<String, String> printFlags = Map.of("JAVA_OPTS", "-XX:+PrintCommandLineFlags");

        Command tree = Command.run(List.of(TRIBUTARY, "--version"), printFlags).succeeded();
        Command installed = Command.run(List.of(withoutBroker.resolve("bin/tributary").toString(), "--version"), printFlags).succeeded();

        assertThat(tree.out()).contains("-XX:MaxHeapSize=536870912");
        assertThat(installed.out()).contains("-XX:MaxHeapSize=134217728");
    }

    @Test
    void theServiceRefusesTheEmbeddedBroker() throws Exception {
        try (TreeCopy tree = new TreeCopy()) {
            Command run = Command.run(List.of(tree.resolve("bin/tributary").toString(), "run", "--config",
                    tree.resolve("config/quickstart.yaml").toString()), Map.of("TRIBUTARY_SERVICE", "1"));

            assertThat(run.exitCode()).isEqualTo(2);
            assertThat(run.err()).isEqualTo("tributary: kafka.bootstrap_servers: embedded is for trying Tributary and for tests; "
                    + "the service refuses it. Name your Kafka cluster's brokers\n");
        }
    }

    /** The keys of the settings under {@code node}: a map of sources, or a list of interceptors. */
    private static TreeSet<String> keys(Object node, TreeSet<String> keys) {
        if (node instanceof List<?> list) {
            list.forEach(entry -> settingKeys(entry, keys));
        } else if (node instanceof Map<?, ?> sources) {
            sources.values().forEach(source -> settingKeys(source, keys));
        }
        return keys;
    }

    private static void settingKeys(Object node, TreeSet<String> keys) {
        if (node instanceof Map<?, ?> map) {
            map.forEach((key, value) -> {
                keys.add((String) key);
                if (!key.equals("add") && !key.equals("custom")) {
                    settingKeys(value, keys);
                }
            });
        }
    }

    /* The reference polls jdbc:postgresql://localhost:5432/shop as tributary; validate checks the table exists. */
    private static void createTheReferencesOrdersTable() throws Exception {
        try (Connection admin = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/test", "postgres", "");
             Statement sql = admin.createStatement()) {
            sql.execute("DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'tributary') "
                    + "THEN CREATE ROLE tributary LOGIN; END IF; END $$");
            try (var exists = sql.executeQuery("SELECT 1 FROM pg_database WHERE datname = 'shop'")) {
                if (!exists.next()) {
                    sql.execute("CREATE DATABASE shop OWNER tributary");
                }
            }
            // Lets the jdbc source see other sessions' open transactions instead of warning that it cannot.
            sql.execute("GRANT pg_read_all_stats TO tributary");
        }
        try (Connection shop = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/shop", "tributary", "");
             Statement sql = shop.createStatement()) {
            sql.execute("CREATE TABLE IF NOT EXISTS orders (id bigint PRIMARY KEY, updated_at timestamptz NOT NULL DEFAULT now())");
        }
    }
}
