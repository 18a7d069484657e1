package io.tributary.plugins.syslog;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The offers of a RELP {@code open}: lines of {@code name=value,value}, as librelp writes and reads
 * them. Only {@code relp_version} is required; {@code commands} lists what the client wants to send;
 * {@code relp_software} and unknown offers are ignored, as librelp does.
 *
 * @param version  the client's {@code relp_version}
 * @param commands the client's {@code commands}, empty when it offered none
 */
record RelpOffers(int version, List<String> commands) {
    /** librelp's limits on an offer's name and value. */
    private static final int MAX_NAME_BYTES = 32;
    private static final int MAX_VALUE_BYTES = 255;

    /**
     * Reads the offers of an {@code open}.
     *
     * @throws IllegalArgumentException saying what is wrong, for the {@code 500} answer
     */
    static RelpOffers parse(byte[] data) {
        Integer version = null;
        List<String> commands = new ArrayList<>();
        for (String line : new String(data, StandardCharsets.UTF_8).split("\n")) {
            if (line.isEmpty()) {
                continue;
            }
            int equals = line.indexOf('=');
            String name = equals < 0 ? line : line.substring(0, equals);
            List<String> values = equals < 0 ? List.of()
                    : Arrays.stream(line.substring(equals + 1).split(",")).filter(value -> !value.isEmpty()).toList();
            if (name.length() > MAX_NAME_BYTES || values.stream().anyMatch(value -> value.length() > MAX_VALUE_BYTES)) {
                throw new IllegalArgumentException("invalid offer \"" + line + "\"");
            }
            if (name.equals("relp_version")) {
                version = version(values);
            } else if (name.equals("commands")) {
                commands.addAll(values);
            }
        }
        if (version == null) {
            throw new IllegalArgumentException("the open offers no relp_version");
        }
        return new RelpOffers(version, List.copyOf(commands));
    }

    private static int version(List<String> values) {
        if (values.isEmpty() || !values.get(0).matches("[0-9]{1,9}")) {
            throw new IllegalArgumentException("relp_version must be a number, got " + values);
        }
        return Integer.parseInt(values.get(0));
    }

    /**
     * This server's answer after {@code 200 OK}, as librelp's server orders it: the version it speaks
     * (librelp answers its own, 0, whatever the client offered), the software, and {@code syslog} in
     * {@code commands} when the client offered it.
     */
    static String serverOffers(boolean syslog) {
        return "relp_version=" + RelpSession.PROTOCOL_VERSION + "\nrelp_software=tributary\ncommands="
                + (syslog ? "syslog" : "");
    }
}
