package io.tributary.agent;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's side of bin/tributary's class-data sharing archive. A run without an archive writes
 * one when its JVM exits (bin/tributary passes {@code -XX:ArchiveClassesAtExit} and names the file in
 * {@value #DUMP_PROPERTY}); later starts map it. Only a run that got as far as running has loaded the
 * classes later runs need: one stopped by an invalid config has not, and its archive would serve
 * every later start badly. So a run that runs marks its archive worth keeping, with a file beside
 * it, and bin/tributary keeps only archives so marked.
 */
final class ClassDataSharing {
    static final String DUMP_PROPERTY = "tributary.cds.dump";
    static final String KEEP_SUFFIX = ".keep";
    private static final Logger log = LoggerFactory.getLogger(ClassDataSharing.class);

    private ClassDataSharing() {
    }

    static void archiveWorthKeeping() {
        String dump = System.getProperty(DUMP_PROPERTY);
        if (dump == null) {
            return;
        }
        Path mark = Path.of(dump + KEEP_SUFFIX);
        try {
            Files.deleteIfExists(mark);
            Files.createFile(mark);
        } catch (IOException e) {
            log.debug("Cannot mark the class-data sharing archive {} worth keeping: {}", dump, e.toString());
        }
    }
}
