package io.tributary.agent.config;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Replaces {@code ${NAME}}, {@code ${NAME:-default}} and {@code ${file:PATH}} in a scalar;
 * <code>$${</code> stands for a literal <code>${</code>.
 *
 * <p>As in a shell, the default applies when the variable is unset or empty. {@code HOSTNAME} is
 * often not exported to services (systemd does not set it), so when it is unset it is the machine's
 * host name.
 */
final class Substitution {

    static final String HOSTNAME = "HOSTNAME";

    private static final Pattern VARIABLE_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final String FILE_PREFIX = "file:";
    private static final String DEFAULT_SEPARATOR = ":-";

    private final Map<String, String> environment;
    private final Path folder;
    private String machineHostName;

    /** {@code folder} is where relative {@code ${file:PATH}}s resolve. */
    Substitution(Map<String, String> environment, Path folder) {
        this.environment = environment;
        this.folder = folder;
    }

    /** {@code text} with every reference replaced; throws IllegalArgumentException saying which failed. */
    String apply(String text) {
        StringBuilder result = new StringBuilder(text.length());
        int index = 0;
        while (index < text.length()) {
            if (text.startsWith("$${", index)) {
                result.append("${");
                index += 3;
            } else if (text.startsWith("${", index)) {
                int end = text.indexOf('}', index + 2);
                if (end < 0) {
                    throw new IllegalArgumentException(
                            "unclosed \"${\"; write \"$${\" for a literal \"${\"");
                }
                result.append(resolve(text.substring(index + 2, end)));
                index = end + 1;
            } else {
                result.append(text.charAt(index));
                index++;
            }
        }
        return result.toString();
    }

    private String resolve(String reference) {
        if (reference.startsWith(FILE_PREFIX)) {
            return readFile(reference.substring(FILE_PREFIX.length()));
        }
        int separator = reference.indexOf(DEFAULT_SEPARATOR);
        String name = separator < 0 ? reference : reference.substring(0, separator);
        if (!VARIABLE_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("\"${" + reference
                    + "}\" is not a valid reference; use ${NAME}, ${NAME:-default} or ${file:PATH}");
        }
        String value = variable(name);
        if (separator >= 0 && (value == null || value.isEmpty())) {
            return reference.substring(separator + DEFAULT_SEPARATOR.length());
        }
        if (value == null) {
            throw new IllegalArgumentException("environment variable \"" + name + "\" is not set");
        }
        return value;
    }

    private String variable(String name) {
        String value = environment.get(name);
        if (value == null && name.equals(HOSTNAME)) {
            return machineHostName();
        }
        return value;
    }

    private String machineHostName() {
        if (machineHostName == null) {
            try {
                machineHostName = InetAddress.getLocalHost().getHostName();
            } catch (UnknownHostException unknown) {
                return null;
            }
        }
        return machineHostName;
    }

    private String readFile(String written) {
        if (written.isEmpty()) {
            throw new IllegalArgumentException("\"${file:}\" needs a path, like ${file:/etc/tributary/password}");
        }
        try {
            return Files.readString(folder.resolve(written), StandardCharsets.UTF_8).trim();
        } catch (IOException | InvalidPathException failure) {
            throw new IllegalArgumentException("cannot read file \"" + written + "\": " + describe(failure));
        }
    }

    /**
     * The exception's kind, plus its message when that is not just the path again; never the
     * file's contents.
     */
    static String describe(Exception failure) {
        String kind = failure.getClass().getSimpleName();
        if (failure instanceof FileSystemException fileSystemFailure) {
            return fileSystemFailure.getReason() == null ? kind : kind + ": " + fileSystemFailure.getReason();
        }
        return failure.getMessage() == null ? kind : kind + ": " + failure.getMessage();
    }
}
