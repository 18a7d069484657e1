package io.tributary.agent.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/**
 * {@code agent.http}: {@code /metrics} in Prometheus text format and {@code /health}, 200 when the
 * producer and every source are healthy, 503 otherwise, with a JSON body naming each and why.
 */
public final class HttpEndpoint implements AutoCloseable {
    private static final ObjectMapper json = new ObjectMapper();

    /** The agent's health as {@code /health} reports it. */
    public interface HealthReport {
        boolean healthy();

        ObjectNode toJson(ObjectMapper mapper);
    }

    private final HttpServer server;

    private HttpEndpoint(HttpServer server) {
        this.server = server;
    }

    public static HttpEndpoint start(InetSocketAddress address, PrometheusMeterRegistry registry, Supplier<HealthReport> health) {
        HttpServer server;
        try {
            server = HttpServer.create(address, 16);
        } catch (IOException e) {
            throw new UncheckedIOException("agent.http: cannot listen on " + address.getHostString() + ":" + address.getPort() + ": " + e.getMessage(), e);
        }
        server.createContext("/metrics", exchange -> respond(exchange, 200, "text/plain; version=0.0.4; charset=utf-8", registry.scrape()));
        server.createContext("/health", exchange -> {
            HealthReport report = health.get();
            respond(exchange, report.healthy() ? 200 : 503, "application/json", json.writeValueAsString(report.toJson(json)) + "\n");
        });
        server.setExecutor(null);
        server.start();
        return new HttpEndpoint(server);
    }

    /** The address actually bound (its port when {@code agent.http} asked for port 0). */
    public InetSocketAddress address() {
        return server.getAddress();
    }

    private static void respond(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
