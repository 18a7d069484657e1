package io.tributary.plugins.syslog;

/** Says why a message does not parse; cheap to throw, as garbage input is expected. */
final class MalformedMessageException extends Exception {

    MalformedMessageException(String reason) {
        super(reason, null, false, false);
    }
}
