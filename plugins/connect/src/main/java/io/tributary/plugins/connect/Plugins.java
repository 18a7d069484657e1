package io.tributary.plugins.connect;

import java.lang.reflect.InvocationTargetException;

/** Makes instances of connector, task and converter classes, as Connect's {@code Plugins} does. */
final class Plugins {
    private Plugins() {
    }

    /**
     * A new instance from the public no-argument constructor every Connect plugin has, made with the
     * class's own loader as the context class loader.
     *
     * @throws IllegalArgumentException saying why it cannot be made
     */
    static <T> T instantiate(Class<? extends T> clazz) {
        return InLoader.get(clazz, () -> {
            try {
                return clazz.getDeclaredConstructor().newInstance();
            } catch (InvocationTargetException e) {
                throw new IllegalArgumentException("the constructor of " + clazz.getName() + " threw " + e.getCause(), e.getCause());
            } catch (ReflectiveOperationException e) {
                throw new IllegalArgumentException(clazz.getName() + " has no public constructor without arguments", e);
            }
        });
    }
}
