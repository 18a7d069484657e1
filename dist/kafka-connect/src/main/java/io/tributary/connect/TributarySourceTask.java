package io.tributary.connect;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tributary.agent.config.ConfigError;
import io.tributary.agent.config.YamlSettings;
import io.tributary.agent.plugin.LoaderSwap;
import io.tributary.agent.plugin.PluginRegistry;
import io.tributary.api.Position;
import io.tributary.api.SourceRecord;
import io.tributary.api.SourceType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.source.SourceTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Connect task running some parts of a Tributary source: each part a Tributary task on a thread
 * of its own, started from the checkpoints Connect's offsets hold, its records handed over through a
 * small bounded queue (so a slow Kafka stops the polling) as Connect records whose offset is the
 * part's checkpoints after them. With {@code exactly.once.source.support=enabled} the worker commits
 * those offsets in the transaction of the records; each part then hears {@code committed()}, as in
 * the agent, once Connect calls {@link #commit()}.
 */
public final class TributarySourceTask extends SourceTask {
    private static final Logger LOG = LoggerFactory.getLogger(TributarySourceTask.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<Map<String, Map<String, Object>>> PARTS = new TypeReference<>() {
    };
    private static final int HANDOVER_BATCHES = 8;
    private static final long POLL_WAIT_MILLIS = 500;

    private final BlockingQueue<PartRunner.Batch> handovers = new ArrayBlockingQueue<>(HANDOVER_BATCHES);
    private final List<PartRunner> runners = new ArrayList<>();
    /** Per part, the offset of its newest record Connect committed, until commit() passes it on. */
    private final Map<String, Map<String, ?>> committedOffsets = new ConcurrentHashMap<>();
    private SourcePlugins plugins;
    private String sourceName;

    @Override
    public String version() {
        return Version.get();
    }

    @Override
    public void start(Map<String, String> props) {
        sourceName = TributaryConnectorConfig.sourceName(props);
        Map<String, Map<String, Object>> parts;
        try {
            parts = JSON.readValue(props.get(TributaryConnectorConfig.TASK_PARTS), PARTS);
        } catch (Exception e) {
            throw new ConnectException("the task's " + TributaryConnectorConfig.TASK_PARTS + " is not what the connector writes", e);
        }
        plugins = SourcePlugins.load(props.getOrDefault(TributaryConnectorConfig.PLUGINS_DIR, ""));
        PluginRegistry.Offered<SourceType> type = plugins.sourceType(props.get(TributaryConnectorConfig.SOURCE_TYPE));
        parts.forEach((part, settingsMap) -> {
            YamlSettings settings = TributaryConnectorConfig.settings(sourceName, settingsMap);
            io.tributary.api.SourceTask task;
            try {
                task = LoaderSwap.call(type.loader(), () -> type.extension().create(settings));
            } catch (Exception e) {
                throw new ConnectException("source type " + type.name() + " failed to create part " + part + ": " + e, e);
            }
            List<ConfigError> errors = settings.finish();
            if (!errors.isEmpty()) {
                throw new ConnectException("part " + part + " of source " + sourceName + ": " + errors);
            }
            Map<String, Position> committed = Offsets.positions(context.offsetStorageReader()
                    .offset(Offsets.partition(sourceName, part)));
            LOG.info("source {} part {} starts from {}", sourceName, part, committed.isEmpty() ? "the beginning" : committed);
            runners.add(new PartRunner(sourceName, part, task, type.loader(), committed, handovers));
        });
        runners.forEach(PartRunner::start);
    }

    @Override
    public List<org.apache.kafka.connect.source.SourceRecord> poll() throws InterruptedException {
        for (PartRunner runner : runners) {
            if (runner.failure() != null) {
                throw new ConnectException("part " + runner.part() + " of source " + sourceName + " failed: " + runner.failure(),
                        runner.failure());
            }
        }
        PartRunner.Batch batch = handovers.poll(POLL_WAIT_MILLIS, TimeUnit.MILLISECONDS);
        if (batch == null) {
            return null;
        }
        List<org.apache.kafka.connect.source.SourceRecord> records = new ArrayList<>();
        for (; batch != null; batch = handovers.poll()) {
            convert(batch, records);
        }
        return records;
    }

    @Override
    public void commitRecord(org.apache.kafka.connect.source.SourceRecord record,
                             org.apache.kafka.clients.producer.RecordMetadata metadata) {
        committedOffsets.put((String) record.sourcePartition().get("part"), record.sourceOffset());
    }

    @Override
    public void commit() {
        for (PartRunner runner : runners) {
            Map<String, ?> offset = committedOffsets.remove(runner.part());
            if (offset != null) {
                runner.committed(Offsets.positions(offset));
            }
        }
    }

    @Override
    public void stop() {
        runners.forEach(PartRunner::stop);
        for (PartRunner runner : runners) {
            handovers.clear();
            runner.awaitEnd();
        }
        if (plugins != null) {
            plugins.close();
        }
    }

    /** Connect records of a part's batch, each with the part's checkpoints after it as its offset. */
    private void convert(PartRunner.Batch batch, List<org.apache.kafka.connect.source.SourceRecord> into) {
        Map<String, String> partition = Offsets.partition(sourceName, batch.runner().part());
        Map<String, String> streams = batch.runner().offsetStreams();
        for (SourceRecord record : batch.records()) {
            if (record.checkpoint() != null) {
                if (record.checkpoint().forgets()) {
                    streams.remove(record.checkpoint().stream());
                } else {
                    streams.put(record.checkpoint().stream(), Offsets.write(record.checkpoint().position()));
                }
            }
            if (record.isCheckpointOnly()) {
                // Connect has no record without a topic: the checkpoint rides on the part's next record.
                continue;
            }
            ConnectHeaders headers = new ConnectHeaders();
            for (Header header : record.headers()) {
                headers.addBytes(header.key(), header.value());
            }
            into.add(new org.apache.kafka.connect.source.SourceRecord(partition, new HashMap<>(streams), record.topic(),
                    null, Schema.OPTIONAL_BYTES_SCHEMA, record.key(), Schema.OPTIONAL_BYTES_SCHEMA, record.value(),
                    record.timestamp(), headers));
        }
    }
}
