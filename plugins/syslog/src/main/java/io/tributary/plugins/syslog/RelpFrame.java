package io.tributary.plugins.syslog;

/**
 * One RELP frame as librelp reads it: {@code TXNR SP COMMAND SP DATALEN [SP DATA] LF}.
 *
 * @param txnr       the transaction number, 0 for a hint, else 1 to 999,999,999
 * @param command    1 to 32 letters, e.g. {@code open}, {@code syslog}, {@code close}
 * @param data       the data, or {@code null} when it was longer than {@code max_message_bytes}
 *                   and skipped unread
 * @param dataLength DATALEN as sent
 */
record RelpFrame(int txnr, String command, byte[] data, int dataLength) {

    boolean skipped() {
        return data == null;
    }
}
