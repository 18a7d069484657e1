package io.tributary.plugins.file;

/** The time the file source reads: wall time for file ages, a monotonic tick for intervals. */
interface SourceClock {
    SourceClock SYSTEM = new SourceClock() {
        @Override
        public long millis() {
            return System.currentTimeMillis();
        }

        @Override
        public long nanoTime() {
            return System.nanoTime();
        }
    };

    long millis();

    long nanoTime();
}
