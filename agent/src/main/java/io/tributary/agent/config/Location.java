package io.tributary.agent.config;

import org.yaml.snakeyaml.error.Mark;

/** A 1-based line and column in a configuration file. */
record Location(int line, int column) {

    static final Location START_OF_FILE = new Location(1, 1);

    /** SnakeYAML counts from 0. */
    static Location of(Mark mark) {
        return new Location(mark.getLine() + 1, mark.getColumn() + 1);
    }
}
