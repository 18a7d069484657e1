package io.tributary.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Debian's own checks of the .deb: lintian and systemd-analyze. Run by the profile
 * packaging-checks, on a machine with {@code apt-get install -y lintian systemd}.
 */
class PackagingChecksIT {

    @Test
    void lintianFindsNoErrors() {
        Command lintian = Command.run(List.of("lintian", "--no-tag-display-limit", Command.DEB.toString()));

        assertThat(lintian.out().lines().filter(line -> line.startsWith("E: "))).as(lintian.out()).isEmpty();
        assertThat(lintian.exitCode()).as(lintian.out() + lintian.err()).isZero();
    }

    /*
     * Verified inside the unpacked package, so that ExecStart and ExecStartPost name files that
     * exist; the host lends the targets the unit refers to and /bin/kill of ExecReload.
     */
    @Test
    void systemdAnalyzeVerifiesTheUnitWithoutAWord(@TempDir Path root) throws Exception {
        Command.run(List.of("dpkg-deb", "-x", Command.DEB.toString(), root.toString())).succeeded();
        Path units = root.resolve("lib/systemd/system");
        try (Stream<Path> targets = Files.list(Path.of("/lib/systemd/system"))) {
            for (Path target : targets.filter(path -> path.toString().endsWith(".target")).toList()) {
                Files.copy(target, units.resolve(target.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        Files.createDirectories(root.resolve("bin"));
        Files.copy(Path.of("/bin/kill"), root.resolve("bin/kill"), StandardCopyOption.COPY_ATTRIBUTES);

        Command verify = Command.run(List.of("systemd-analyze", "verify", "--root=" + root, "tributary.service"));

        assertThat(verify.err()).isEmpty();
        assertThat(verify.out()).isEmpty();
        assertThat(verify.exitCode()).isZero();
    }
}
