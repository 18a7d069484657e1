package io.tributary.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Starts JVMs with this JVM's own class path, and makes sure none outlives this JVM: a shutdown
 * hook kills every child still running, and {@link ChildMain} halts a child whose parent vanished
 * without running hooks.
 *
 * <p>Signals go through the {@link ProcessHandle}: {@code Process.destroy()} also closes the pipes,
 * and whatever the child prints while it shuts down would be lost.
 */
final class ChildJvm {
    private static final Set<Process> RUNNING = ConcurrentHashMap.newKeySet();
    private static final Set<String> RESET_SIGNALS = Set.of("HUP", "INT");

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(ChildJvm::killAll, "tributary-testkit-child-reaper"));
    }

    private ChildJvm() {
    }

    /**
     * Starts {@code mainClass} with {@code args} in a new JVM whose stdout and stderr, merged, go to
     * {@code output}.
     */
    static Process start(List<String> jvmOptions, Map<String, String> environment, String mainClass,
                         List<String> args, ProcessBuilder.Redirect output) {
        return start(jvmOptions, environment, Set.of(), mainClass, args, output);
    }

    /**
     * As {@link #start(List, Map, String, List, ProcessBuilder.Redirect)}, the child ignoring
     * {@code ignoredSignals} (such as {@code "HUP"}) as it would under nohup. Every other child gets
     * SIGHUP and SIGINT at their defaults whatever this JVM inherited: a child inherits ignored
     * signals, a JVM never handles one, and a build started under nohup or in a shell's background
     * would leave the agent deaf to the SIGHUP and SIGINT its tests send.
     */
    static Process start(List<String> jvmOptions, Map<String, String> environment, Set<String> ignoredSignals,
                         String mainClass, List<String> args, ProcessBuilder.Redirect output) {
        List<String> command = new ArrayList<>(signalDispositions(ignoredSignals));
        command.add(javaExecutable());
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.addAll(jvmOptions);
        command.add(ChildMain.class.getName());
        command.add(Long.toString(ProcessHandle.current().pid()));
        command.add(mainClass);
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output);
        builder.environment().putAll(environment);
        try {
            Process process = builder.start();
            RUNNING.add(process);
            process.onExit().thenRun(() -> RUNNING.remove(process));
            return process;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start a JVM for " + mainClass, e);
        }
    }

    /** coreutils' env, which sets the dispositions and then becomes the JVM, keeping its pid. */
    private static List<String> signalDispositions(Set<String> ignoredSignals) {
        Set<String> defaults = new TreeSet<>(RESET_SIGNALS);
        defaults.removeAll(ignoredSignals);
        List<String> env = new ArrayList<>(List.of("env"));
        if (!defaults.isEmpty()) {
            env.add("--default-signal=" + String.join(",", defaults));
        }
        if (!ignoredSignals.isEmpty()) {
            env.add("--ignore-signal=" + String.join(",", new TreeSet<>(ignoredSignals)));
        }
        return env;
    }

    /** Sends SIGKILL and waits until the process is gone. */
    static void kill(Process process) {
        process.toHandle().destroyForcibly();
        awaitExit(process, 30);
    }

    /** Sends SIGTERM, waits up to {@code gracePeriodSeconds}, then sends SIGKILL. */
    static void terminate(Process process, long gracePeriodSeconds) {
        process.toHandle().destroy();
        if (!awaitExit(process, gracePeriodSeconds)) {
            kill(process);
        }
    }

    private static boolean awaitExit(Process process, long seconds) {
        try {
            return process.waitFor(seconds, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !process.isAlive();
        }
    }

    private static String javaExecutable() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static void killAll() {
        RUNNING.forEach(process -> process.toHandle().destroyForcibly());
        RUNNING.forEach(process -> awaitExit(process, 10));
    }
}
