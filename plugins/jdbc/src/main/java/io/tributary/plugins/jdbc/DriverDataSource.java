package io.tributary.plugins.jdbc;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.time.Duration;
import java.util.Optional;
import java.util.Properties;
import java.util.ServiceLoader;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * Connections from a driver found by {@link ServiceLoader} through the plugin's class loader, or the
 * one over the jars of {@code driver_jars}. {@code DriverManager} only offers drivers visible to the
 * class loader that first touched it (the agent's), so it cannot see the drivers bundled with this
 * plugin or named by the source.
 */
final class DriverDataSource implements DataSource {
    private final Driver driver;
    private final String url;
    private final Properties properties;
    private final int networkTimeoutMillis;
    /** HikariCP sets it, and waits this long for connection attempts to finish when closing. */
    private volatile int loginTimeoutSeconds;

    /**
     * @param driverProperties driver settings beside the url's, which win over them
     * @param networkTimeout   how long a connection waits for the database to answer before it fails
     */
    DriverDataSource(Driver driver, String url, String user, String password, Properties driverProperties, Duration networkTimeout) {
        this.driver = driver;
        this.url = url;
        this.networkTimeoutMillis = Math.toIntExact(networkTimeout.toMillis());
        this.properties = new Properties();
        properties.putAll(driverProperties);
        if (user != null) {
            properties.setProperty("user", user);
        }
        if (password != null) {
            properties.setProperty("password", password);
        }
    }

    /** The first driver visible to {@code loader} that accepts {@code url}. */
    static Optional<Driver> findDriver(String url, ClassLoader loader) {
        for (Driver candidate : ServiceLoader.load(Driver.class, loader)) {
            try {
                if (candidate.acceptsURL(url)) {
                    return Optional.of(candidate);
                }
            } catch (SQLException e) {
                // A driver that cannot even judge the url is not the one for it.
            }
        }
        return Optional.empty();
    }

    /**
     * Connects with the driver's class loader as the thread's context class loader: HikariCP opens
     * connections on threads of its own, and drivers look up their parts (protocol plugins,
     * authentication, native libraries) through the context class loader.
     */
    @Override
    public Connection getConnection() throws SQLException {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(driver.getClass().getClassLoader());
        try {
            Connection connection = driver.connect(url, properties);
            if (connection == null) {
                throw new SQLException("the JDBC driver " + driver.getClass().getName() + " does not accept the url");
            }
            try {
                // Without it a database that stops answering (a dropped network, a hung server)
                // blocks a read forever; with it the read fails and the connection is discarded.
                connection.setNetworkTimeout(Runnable::run, networkTimeoutMillis);
            } catch (SQLFeatureNotSupportedException e) {
                // An embedded database has no network to time out.
            }
            return connection;
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        throw new SQLFeatureNotSupportedException("user and password come from the source's settings");
    }

    @Override
    public PrintWriter getLogWriter() {
        return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {
    }

    @Override
    public void setLoginTimeout(int seconds) {
        loginTimeoutSeconds = seconds;
    }

    @Override
    public int getLoginTimeout() {
        return loginTimeoutSeconds;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException();
    }

    @Override
    public <T> T unwrap(Class<T> type) throws SQLException {
        if (type.isInstance(this)) {
            return type.cast(this);
        }
        throw new SQLException("not a wrapper of " + type.getName());
    }

    @Override
    public boolean isWrapperFor(Class<?> type) {
        return type.isInstance(this);
    }
}
