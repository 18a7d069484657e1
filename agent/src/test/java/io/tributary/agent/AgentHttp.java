package io.tributary.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.OptionalDouble;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The agent's {@code /health} and {@code /metrics} on a free loopback port, as a monitoring system
 * reads them. The metric names the fault tests of issue #13 rely on are here, in one place.
 */
final class AgentHttp {
    /** 1 while the shared producer gets records into Kafka, 0 while {@code /health} says it is down. */
    static final String PRODUCER_UP = "tributary_producer_up";
    /** Per source: 1 while it is healthy, 0 while {@code /health} names it with a problem. */
    static final String SOURCE_UP = "tributary_source_up";

    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    private final int port;

    private AgentHttp(int port) {
        this.port = port;
    }

    /** On a port free now, for {@code agent.http}. */
    static AgentHttp onFreePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return new AgentHttp(socket.getLocalPort());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find a free port on loopback", e);
        }
    }

    /** The value of {@code agent.http}. */
    String address() {
        return "127.0.0.1:" + port;
    }

    /** The status code of {@code /health}; -1 while nothing answers. */
    int healthStatus() {
        HttpResponse<String> response = get("/health");
        return response == null ? -1 : response.statusCode();
    }

    /** {@code /health}'s body; a missing node while nothing answers. */
    JsonNode health() {
        HttpResponse<String> response = get("/health");
        if (response == null) {
            return JSON.missingNode();
        }
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new AssertionError("/health answered what is not JSON: " + response.body(), e);
        }
    }

    /** What {@code /health} says of the source: its {@code status} and {@code problem}. */
    JsonNode source(String name) {
        return health().path("sources").path(name);
    }

    /** {@code /metrics} in Prometheus text; empty while nothing answers. */
    String metrics() {
        HttpResponse<String> response = get("/metrics");
        return response == null ? "" : response.body();
    }

    /** The value of one series, named with its labels as Prometheus prints them: {@code name{a="x",b="y"}}. */
    OptionalDouble metric(String series) {
        Matcher matcher = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(metrics());
        return matcher.find() ? OptionalDouble.of(Double.parseDouble(matcher.group(1))) : OptionalDouble.empty();
    }

    /** The {@link #SOURCE_UP} series of a sequence source. */
    static String sourceUp(String source) {
        return SOURCE_UP + "{source=\"" + source + "\",source_type=\"sequence\"}";
    }

    private HttpResponse<String> get(String path) {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + address() + path)).timeout(Duration.ofSeconds(5)).build();
        try {
            return CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException notAnswering) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while asking " + path, e);
        }
    }
}
