package io.tributary.agent.plugin;

import java.util.concurrent.Callable;

/**
 * Runs a call into a plugin with the plugin's class loader as the thread's context class loader,
 * as Kafka Connect's {@code LoaderSwap} does: libraries that look things up through the context
 * loader (JDBC drivers via {@code ServiceLoader}, Netty, Jackson modules) would otherwise see only the
 * agent's class path.
 */
public final class LoaderSwap implements AutoCloseable {
    private final Thread thread;
    private final ClassLoader previous;

    private LoaderSwap(ClassLoader loader) {
        this.thread = Thread.currentThread();
        this.previous = thread.getContextClassLoader();
        thread.setContextClassLoader(loader);
    }

    /** Swaps the current thread's context class loader until {@link #close()}. */
    public static LoaderSwap to(ClassLoader loader) {
        return new LoaderSwap(loader);
    }

    public static <T> T call(ClassLoader loader, Callable<T> call) throws Exception {
        try (LoaderSwap ignored = to(loader)) {
            return call.call();
        }
    }

    public static void run(ClassLoader loader, Runnable run) {
        try (LoaderSwap ignored = to(loader)) {
            run.run();
        }
    }

    @Override
    public void close() {
        thread.setContextClassLoader(previous);
    }
}
