package io.tributary.plugins.connect;

import java.util.function.Supplier;

/**
 * Runs a call into a connector, converter or task with its own class loader as the thread's context
 * class loader, as Connect's {@code LoaderSwap} does: libraries that look classes up through the
 * context loader (JDBC drivers, Jackson modules, ServiceLoader) must see the plugin's folder.
 */
final class InLoader {
    private InLoader() {
    }

    static void run(Object plugin, Runnable call) {
        get(plugin, () -> {
            call.run();
            return null;
        });
    }

    static <T> T get(Object plugin, Supplier<T> call) {
        return get(plugin instanceof Class<?> clazz ? clazz.getClassLoader() : plugin.getClass().getClassLoader(), call);
    }

    static <T> T get(ClassLoader loader, Supplier<T> call) {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(loader);
        try {
            return call.get();
        } finally {
            thread.setContextClassLoader(previous);
        }
    }
}
