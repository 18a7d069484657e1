package io.tributary.agent.plugin;

import io.tributary.api.Settings;

/**
 * Creates what a YAML entry names by {@code class:} (an interceptor, a transform, a predicate) from
 * the plain jars of plugins_dir or the agent's class path, as Kafka and Connect create theirs: by
 * name, with the no-argument constructor. Problems are reported on the entry's settings.
 */
public final class LibraryClasses {
    private LibraryClasses() {
    }

    /** The class {@code className}, when it is a {@code kind}; null after reporting it on {@code class}. */
    public static Class<?> load(String className, Class<?> kind, String kindName, ClassLoader loader, Settings settings) {
        Class<?> type;
        try {
            type = Class.forName(className, true, loader);
        } catch (ClassNotFoundException | LinkageError e) {
            settings.error("class", "class " + className + " is not in any plain jar of plugins_dir nor on the agent's class path");
            return null;
        }
        if (!kind.isAssignableFrom(type)) {
            settings.error("class", "class " + className + " is not a " + kindName);
            return null;
        }
        return type;
    }

    /** A new {@code type} under {@code loader}; null after reporting on {@code key} why not. */
    public static Object newInstance(Class<?> type, String key, ClassLoader loader, Settings settings) {
        try {
            return LoaderSwap.call(loader, () -> type.getDeclaredConstructor().newInstance());
        } catch (Exception | LinkageError e) {
            settings.error(key, "cannot create " + type.getName() + " with its no-argument constructor: " + e);
            return null;
        }
    }
}
