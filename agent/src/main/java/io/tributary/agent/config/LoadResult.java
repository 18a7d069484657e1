package io.tributary.agent.config;

import java.util.List;

/**
 * What {@link ConfigLoader#load} found.
 *
 * @param config null only when the file could not be read or is not valid YAML
 * @param errors every problem outside the plugins' own keys, in file order
 */
public record LoadResult(AgentConfig config, List<ConfigError> errors) {
}
