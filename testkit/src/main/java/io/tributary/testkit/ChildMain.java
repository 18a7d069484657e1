package io.tributary.testkit;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Arrays;

/**
 * Runs another main class in a child JVM and halts that JVM as soon as the JVM that started it is
 * gone. Shutdown hooks in the parent cover a normal exit; this also covers a parent killed with
 * SIGKILL (a timed-out Surefire fork, say), which runs no hooks.
 *
 * <p>Arguments: the parent's pid, the main class, then that class's arguments.
 */
final class ChildMain {

    /** The exit code of a child whose parent died: 128 + SIGKILL, as if it had been killed too. */
    private static final int ORPHANED_EXIT_CODE = 137;

    private ChildMain() {
    }

    public static void main(String[] args) throws Throwable {
        long parentPid = Long.parseLong(args[0]);
        ProcessHandle.of(parentPid).ifPresentOrElse(
                parent -> parent.onExit().thenRun(() -> Runtime.getRuntime().halt(ORPHANED_EXIT_CODE)),
                () -> Runtime.getRuntime().halt(ORPHANED_EXIT_CODE));
        Method main = Class.forName(args[1]).getMethod("main", String[].class);
        try {
            main.invoke(null, (Object) Arrays.copyOfRange(args, 2, args.length));
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
