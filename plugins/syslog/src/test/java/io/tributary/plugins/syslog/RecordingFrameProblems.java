package io.tributary.plugins.syslog;

import java.util.ArrayList;
import java.util.List;

/** Records what a decoder reports, one line per problem, for the decoder tests. */
final class RecordingFrameProblems implements FrameProblems {
    final List<String> problems = new ArrayList<>();

    @Override
    public void oversized(long length) {
        problems.add("oversized " + length);
    }

    @Override
    public void badFrame(String reason) {
        problems.add("bad frame: " + reason);
    }

    @Override
    public void discarded(int bytes) {
        problems.add("discarded " + bytes);
    }
}
