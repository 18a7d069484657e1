package io.tributary.benchmarks;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The JVM options a process was started with, as the JVM applies them, for the report. */
final class JvmOptions {
    private JvmOptions() {
    }

    /**
     * The JVM options, system properties left out, of the first child of this JVM whose arguments
     * include {@code mainClass}; empty when there is none or the system does not tell.
     */
    static Optional<List<String>> ofChild(String mainClass) {
        return child(mainClass).map(child -> effective(beforeMainClass(arguments(child))));
    }

    /** The first child of this JVM whose arguments include {@code mainClass}. */
    static Optional<ProcessHandle> child(String mainClass) {
        return ProcessHandle.current().children().filter(child -> arguments(child).contains(mainClass)).findFirst();
    }

    private static List<String> arguments(ProcessHandle process) {
        return process.info().arguments().map(List::of).orElse(List.of());
    }

    /** The options before the main class of a {@code java} command's arguments, the class path's skipped. */
    static List<String> beforeMainClass(List<String> arguments) {
        List<String> options = new ArrayList<>();
        for (int i = 0; i < arguments.size(); i++) {
            String argument = arguments.get(i);
            if (argument.equals("-cp") || argument.equals("-classpath") || argument.equals("--class-path")) {
                i++;
            } else if (argument.startsWith("-")) {
                options.add(argument);
            } else {
                break;
            }
        }
        return options;
    }

    /**
     * The options that take effect, in the order of their last occurrence: of two that set the same
     * thing ({@code -Xmx512m} and {@code -Xmx1g}, {@code -XX:TieredStopAtLevel=1} and {@code =4},
     * {@code -XX:+Flag} and {@code -XX:-Flag}) the JVM applies the later. System properties
     * ({@code -D}) are left out.
     */
    static List<String> effective(List<String> options) {
        Map<String, String> byKey = new LinkedHashMap<>();
        for (String option : options) {
            if (option.startsWith("-D")) {
                continue;
            }
            String key = key(option);
            byKey.remove(key);
            byKey.put(key, option);
        }
        return List.copyOf(byKey.values());
    }

    private static String key(String option) {
        if (option.startsWith("-XX:")) {
            String setting = option.substring(4);
            if (setting.startsWith("+") || setting.startsWith("-")) {
                return "-XX:" + setting.substring(1);
            }
            int equals = setting.indexOf('=');
            return "-XX:" + (equals < 0 ? setting : setting.substring(0, equals));
        }
        for (String sized : List.of("-Xmx", "-Xms", "-Xss", "-Xmn")) {
            if (option.startsWith(sized)) {
                return sized;
            }
        }
        return option;
    }
}
