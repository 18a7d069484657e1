package io.tributary.plugins.file;

import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Finds the files of {@code include} globs minus {@code exclude} globs. Each include glob is walked
 * from its deepest folder without glob characters, only as deep as the glob reaches ({@code **}
 * reaches any depth and, as in Filebeat and Vector, also matches no folder at all). Symbolic links to
 * files and folders are followed: a file is matched by the path of its link.
 */
final class Globs {
    private static final Pattern GLOB_CHARACTERS = Pattern.compile("[*?\\[{]");

    private record Root(Path base, int maxDepth, PathMatcher matcher) {
    }

    private final List<Root> roots = new ArrayList<>();
    private final List<PathMatcher> excludes = new ArrayList<>();

    Globs(List<String> include, List<String> exclude) {
        FileSystem fileSystem = FileSystems.getDefault();
        for (String glob : include) {
            Path base = Path.of(baseDirectory(glob));
            String rest = glob.substring(Math.min(glob.length(), baseDirectory(glob).length() + 1));
            int depth = rest.contains("**") ? Integer.MAX_VALUE : rest.split("/").length;
            roots.add(new Root(base, depth, matcher(fileSystem, glob)));
        }
        for (String glob : exclude) {
            excludes.add(matcher(fileSystem, glob));
        }
    }

    /** The part of {@code glob} before its first folder with glob characters. */
    static String baseDirectory(String glob) {
        var first = GLOB_CHARACTERS.matcher(glob);
        String literal = first.find() ? glob.substring(0, first.start()) : glob;
        int slash = literal.lastIndexOf('/');
        if (slash < 0) {
            return ".";
        }
        return slash == 0 ? "/" : literal.substring(0, slash);
    }

    private static PathMatcher matcher(FileSystem fileSystem, String glob) {
        PathMatcher exact = fileSystem.getPathMatcher("glob:" + glob);
        if (!glob.contains("/**/")) {
            return exact;
        }
        PathMatcher withoutFolder = fileSystem.getPathMatcher("glob:" + glob.replace("/**/", "/"));
        return path -> exact.matches(path) || withoutFolder.matches(path);
    }

    /** Every regular file matched now, in path order; folders that vanish or cannot be read are skipped. */
    Set<Path> matchingFiles() throws IOException {
        return matchingFiles(folder -> { });
    }

    /** Like {@link #matchingFiles()}, telling {@code folders} each folder walked: those that can hold matches. */
    Set<Path> matchingFiles(Consumer<Path> folders) throws IOException {
        Set<Path> files = new TreeSet<>();
        for (Root root : roots) {
            if (!Files.isDirectory(root.base())) {
                continue;
            }
            try {
                // Symbolic links are followed, to files and folders (Kubernetes' /var/log/containers);
                // a link looping back to a folder above it is skipped, as visitFileFailed.
                Files.walkFileTree(root.base(), EnumSet.of(FileVisitOption.FOLLOW_LINKS), root.maxDepth(),
                        new SimpleFileVisitor<>() {
                            @Override
                            public FileVisitResult preVisitDirectory(Path folder, BasicFileAttributes attributes) {
                                folders.accept(folder);
                                return FileVisitResult.CONTINUE;
                            }

                            @Override
                            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                                if (attributes.isRegularFile() && root.matcher().matches(file) && !excluded(file)) {
                                    files.add(file);
                                }
                                return FileVisitResult.CONTINUE;
                            }

                            @Override
                            public FileVisitResult visitFileFailed(Path file, IOException failure) {
                                return FileVisitResult.CONTINUE;
                            }
                        });
            } catch (NoSuchFileException vanished) {
                continue;
            }
        }
        return files;
    }

    /** True when {@code file} is matched by an include glob and by no exclude glob. */
    boolean matches(Path file) {
        for (Root root : roots) {
            if (root.matcher().matches(file)) {
                return !excluded(file);
            }
        }
        return false;
    }

    /** True when files matched by the globs can be inside {@code folder}, or in folders below it. */
    boolean reaches(Path folder) {
        for (Root root : roots) {
            if (folder.startsWith(root.base()) && depth(root.base(), folder) < root.maxDepth()) {
                return true;
            }
        }
        return false;
    }

    private static int depth(Path base, Path folder) {
        return folder.equals(base) ? 0 : base.relativize(folder).getNameCount();
    }

    private boolean excluded(Path file) {
        for (PathMatcher exclude : excludes) {
            if (exclude.matches(file)) {
                return true;
            }
        }
        return false;
    }
}
