package io.tributary.plugins.connect;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The class loader of one plugin folder: its own jars first, as Connect's {@code PluginClassLoader}
 * does, so two connectors may bundle different versions of one library. Only what a connector shares
 * with this plugin goes to the parent first: the JDK, SLF4J, Kafka's clients and Connect's API and
 * runtime, which must be the very classes this plugin calls the connector through.
 */
final class IsolatedClassLoader extends URLClassLoader {

    static {
        ClassLoader.registerAsParallelCapable();
    }

    /*
     * Connect's own list (PluginUtils) in short: Kafka's packages are shared, except those that are
     * plugins themselves (connect-file, connect-mirror, converters, the transforms other than their
     * interfaces), which a folder may bring.
     */
    private static final Pattern SHARED = Pattern.compile("^(?:java\\.|javax\\.|jdk\\.|sun\\.|org\\.slf4j\\."
            + "|org\\.apache\\.kafka\\.(?!connect\\.(?:file|mirror|json|converters|transforms)\\.)"
            + "|org\\.apache\\.kafka\\.connect\\.transforms\\.(?:Transformation|predicates\\.Predicate)$)");

    private final String folder;

    IsolatedClassLoader(String folder, List<URL> jars, ClassLoader parent) {
        super("connect-plugin:" + folder, jars.toArray(URL[]::new), parent);
        this.folder = folder;
    }

    /** The plugin folder (or jar) this loader reads. */
    String folder() {
        return folder;
    }

    static boolean isShared(String className) {
        return SHARED.matcher(className).lookingAt();
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        if (isShared(name)) {
            return super.loadClass(name, resolve);
        }
        synchronized (getClassLoadingLock(name)) {
            Class<?> loaded = findLoadedClass(name);
            if (loaded == null) {
                try {
                    loaded = findClass(name);
                } catch (ClassNotFoundException notHere) {
                    loaded = getParent().loadClass(name);
                }
            }
            if (resolve) {
                resolveClass(loaded);
            }
            return loaded;
        }
    }

    @Override
    public URL getResource(String name) {
        URL own = findResource(name);
        return own != null ? own : super.getResource(name);
    }

    /** The folder's own resources first, then the parent's, so a ServiceLoader finds the folder's first. */
    @Override
    public Enumeration<URL> getResources(String name) throws IOException {
        List<URL> all = new ArrayList<>(Collections.list(findResources(name)));
        all.addAll(Collections.list(getParent().getResources(name)));
        return Collections.enumeration(all);
    }

    /** Resources of the folder's own jars only: which connectors and converters the folder holds. */
    List<URL> ownResources(String name) throws IOException {
        return Collections.list(findResources(name));
    }
}
