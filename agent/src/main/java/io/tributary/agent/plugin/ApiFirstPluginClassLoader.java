package io.tributary.agent.plugin;

import org.pf4j.ClassLoadingStrategy;
import org.pf4j.PluginClassLoader;
import org.pf4j.PluginDescriptor;
import org.pf4j.PluginManager;

/**
 * A plugin's class loader: plugin-first like PF4J's, except for the packages the agent and its
 * plugins must share. Loaded twice, a plugin's {@code SourceType} would not be the agent's
 * ("is not assignable"), and a Kafka {@code ProducerInterceptor} would not fit the agent's producer.
 */
final class ApiFirstPluginClassLoader extends PluginClassLoader {
    static final String[] SHARED_PACKAGES = {"io.tributary.api.", "org.apache.kafka.", "org.slf4j."};

    ApiFirstPluginClassLoader(PluginManager pluginManager, PluginDescriptor descriptor, ClassLoader parent) {
        super(pluginManager, descriptor, parent, ClassLoadingStrategy.PDA);
    }

    @Override
    public Class<?> loadClass(String className) throws ClassNotFoundException {
        if (isShared(className)) {
            try {
                return getParent().loadClass(className);
            } catch (ClassNotFoundException notInAgent) {
                // A Kafka library the agent does not ship (Connect's API, which the connect plugin brings).
                return super.loadClass(className);
            }
        }
        return super.loadClass(className);
    }

    static boolean isShared(String className) {
        for (String prefix : SHARED_PACKAGES) {
            if (className.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }
}
