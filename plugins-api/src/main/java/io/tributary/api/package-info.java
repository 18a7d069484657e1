/**
 * The API Tributary plugins compile against.
 *
 * <p>A plugin offers {@link io.tributary.api.SourceType}s and {@link io.tributary.api.InterceptorType}s
 * as PF4J {@code @Extension}s. Compile against this jar, {@code kafka-clients}, {@code pf4j} and
 * {@code slf4j-api} with scope {@code provided}: the agent loads all four from its own class path,
 * and a plugin that bundles them breaks ("is not assignable").
 */
package io.tributary.api;
