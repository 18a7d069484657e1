package io.tributary.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The .tar.gz and the .deb of {@code mvn package}, read with tar and dpkg-deb. */
class PackageIT {
    private static final List<String> PLUGINS = List.of("connect", "file-tail", "interceptors", "jdbc", "journald", "syslog");
    private static final String DEB = Command.DEB.toString();

    @Test
    void theTarballHoldsTheTreeUnderOneFolderWithExecutableLaunchers() throws Exception {
        List<String> listing = Command.run(List.of("tar", "-tzvf", Command.TARBALL.toString())).succeeded().out().lines().toList();
        String root = "tributary-" + Command.VERSION + "/";

        List<String> files = listing.stream().filter(line -> !line.startsWith("d")).map(line -> line.substring(line.indexOf(root))).sorted().toList();
        assertThat(files).isEqualTo(treeFiles().stream().map(file -> root + file).toList());
        assertThat(listing).anySatisfy(line -> assertThat(line).startsWith("-rwxr-xr-x").endsWith(root + "bin/tributary"));
        assertThat(listing).anySatisfy(line -> assertThat(line).startsWith("-rwxr-xr-x").endsWith(root + "bin/tributary-quickstart"));
        assertThat(files).contains(root + "config/tributary.yaml", root + "config/quickstart.yaml", root + "config/logback.xml",
                root + "lib/embedded/tributary-embedded-kafka-" + Command.VERSION + ".jar");
        for (String plugin : PLUGINS) {
            assertThat(files).contains(root + "plugins/tributary-plugin-" + plugin + "-" + Command.VERSION + ".zip");
        }
    }

    @Test
    void theUnpackedTarballRunsAndValidatesItsQuickstartConfig(@TempDir Path folder) {
        Command.run(List.of("tar", "-xzf", Command.TARBALL.toString(), "-C", folder.toString())).succeeded();
        String tributary = folder.resolve("tributary-" + Command.VERSION + "/bin/tributary").toString();
        Path config = folder.resolve("tributary-" + Command.VERSION + "/config/quickstart.yaml");

        Command version = Command.run(List.of(tributary, "--version")).succeeded();
        Command validate = Command.run(List.of(tributary, "validate", "--config", config.toString()));

        assertThat(version.out().lines().toList()).first().isEqualTo("tributary " + Command.VERSION);
        assertThat(validate.err()).isEmpty();
        assertThat(validate.out()).isEqualTo(config + ": valid (1 source(s), 0 interceptor(s))\n");
        assertThat(validate.exitCode()).isZero();
    }

    @Test
    void theEmbeddedBrokerAddsOnlyJarsTheAgentDoesNotHave() throws Exception {
        try (Stream<Path> lib = Files.list(Command.TREE.resolve("lib")); Stream<Path> embedded = Files.list(Command.TREE.resolve("lib/embedded"))) {
            List<String> agentJars = lib.map(path -> path.getFileName().toString()).toList();
            List<String> brokerJars = embedded.map(path -> path.getFileName().toString()).toList();

            assertThat(brokerJars).doesNotContainAnyElementsOf(agentJars);
            assertThat(agentJars).anyMatch(jar -> jar.startsWith("kafka-clients-"));
            assertThat(agentJars).noneMatch(jar -> jar.startsWith("kafka_2.13") || jar.startsWith("kafka-server-"));
        }
    }

    @Test
    void theDebInstallsWhereDesignMdSaysAndNotTheEmbeddedBroker() {
        List<String> contents = Command.run(List.of("dpkg-deb", "-c", DEB)).succeeded().out().lines().toList();
        List<String> paths = contents.stream().map(line -> line.substring(line.indexOf("./") + 1)).toList();

        assertThat(paths).contains(
                "/usr/bin/tributary -> ../share/tributary/bin/tributary",
                "/usr/share/tributary/config -> /etc/tributary",
                "/etc/tributary/tributary.yaml",
                "/etc/tributary/logback.xml",
                "/lib/systemd/system/tributary.service",
                "/usr/share/doc/tributary/copyright",
                "/usr/share/doc/tributary/changelog.gz",
                "/usr/share/tributary/lib/tributary-agent-" + Command.VERSION + ".jar");
        for (String plugin : PLUGINS) {
            assertThat(paths).contains("/usr/share/tributary/plugins/tributary-plugin-" + plugin + "-" + Command.VERSION + ".zip");
        }
        assertThat(contents).anySatisfy(line -> assertThat(line).startsWith("-rwxr-xr-x root/root").endsWith("./usr/share/tributary/bin/tributary"));
        assertThat(paths).noneMatch(path -> path.contains("embedded") || path.contains("kafka_2.13") || path.contains("quickstart"));
        assertThat(paths).filteredOn(path -> path.startsWith("/usr/share/tributary/lib/"))
                .hasSize((int) treeFiles().stream().filter(file -> file.startsWith("lib/") && !file.startsWith("lib/embedded/")).count() + 1);
    }

    @Test
    void theDebDeclaresItsConfigAsConffilesAndDependsOnJava17() {
        String info = Command.run(List.of("dpkg-deb", "-I", DEB)).succeeded().out();

        assertThat(info).contains(" Package: tributary\n", " Architecture: all\n",
                " Depends: default-jre-headless (>= 2:1.17) | java17-runtime-headless, adduser, curl\n");
        assertThat(Command.run(List.of("dpkg-deb", "-f", DEB, "Version")).succeeded().out())
                .isEqualTo(Command.VERSION.replace('-', '~') + "\n");
        assertThat(Command.run(List.of("dpkg-deb", "-I", DEB, "conffiles")).succeeded().out())
                .isEqualTo("/etc/tributary/tributary.yaml\n/etc/tributary/logback.xml\n");
    }

    @Test
    void theInstalledConfigIsTheReferenceWithThePackagesAbsolutePaths() throws Exception {
        String installed = Command.run(List.of("sh", "-c", "dpkg-deb --fsys-tarfile \"$0\" | tar -xO ./etc/tributary/tributary.yaml", DEB))
                .succeeded().out();
        String reference = Files.readString(Command.REPOSITORY.resolve("config/tributary.yaml"));

        assertThat(installed).contains("\n  plugins_dir: /usr/share/tributary/plugins\n", "\n  data_dir: /var/lib/tributary\n");
        assertThat(installed).isEqualTo(reference
                .replaceFirst("(?m)^(  plugins_dir: )\\S+.*", "$1/usr/share/tributary/plugins")
                .replaceFirst("(?m)^(  data_dir: )\\S+.*", "$1/var/lib/tributary"));
    }

    @Test
    void theMaintainerScriptsCreateTheUserAndTheDataFolderRemoveTheClassArchiveAndPurgeRemovesConfigAndData(@TempDir Path control) throws Exception {
        Command.run(List.of("dpkg-deb", "-e", DEB, control.toString())).succeeded();

        for (String script : List.of("postinst", "prerm", "postrm")) {
            assertThat(control.resolve(script)).isExecutable();
            Command.run(List.of("sh", "-n", control.resolve(script).toString())).succeeded();
        }
        assertThat(control.resolve("postinst")).content()
                .contains("adduser --system --group --home /var/lib/tributary --no-create-home")
                .contains("adduser tributary adm")
                .contains("chown tributary:tributary /var/lib/tributary");
        String postrm = Files.readString(control.resolve("postrm"));
        assertThat(postrm.substring(postrm.indexOf("purge)"))).contains("rm -rf /var/lib/tributary", "rm -rf /etc/tributary");
        assertThat(postrm.substring(postrm.indexOf("remove)"), postrm.indexOf("purge)")))
                .contains("rm -rf /usr/share/tributary/lib/cds /var/cache/tributary")
                .doesNotContain("/var/lib/tributary", "/etc/tributary");
    }

    @Test
    void theServiceIsHardenedRunsAsTributaryAndRefusesTheEmbeddedBroker() {
        String unit = Command.run(List.of("sh", "-c", "dpkg-deb --fsys-tarfile \"$0\" | tar -xO ./lib/systemd/system/tributary.service", DEB))
                .succeeded().out();

        assertThat(unit.lines()).contains(
                "Type=exec",
                "User=tributary",
                "SupplementaryGroups=adm systemd-journal",
                "Environment=TRIBUTARY_SERVICE=1",
                "ExecStart=/usr/bin/tributary run --config /etc/tributary/tributary.yaml",
                "ExecReload=/bin/kill -HUP $MAINPID",
                "TimeoutStopSec=45",
                "Restart=on-failure",
                "RestartPreventExitStatus=1 2",
                "LimitNOFILE=65536",
                "NoNewPrivileges=yes",
                "ProtectSystem=strict",
                "ProtectHome=yes",
                "PrivateTmp=yes",
                "ReadWritePaths=/var/lib/tributary",
                "CacheDirectory=tributary");
    }

    private static List<String> treeFiles() {
        try (Stream<Path> paths = Files.walk(Command.TREE)) {
            return paths.filter(Files::isRegularFile).map(path -> Command.TREE.relativize(path).toString())
                    .filter(path -> !path.startsWith("data/") && !path.startsWith("lib/cds/")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
