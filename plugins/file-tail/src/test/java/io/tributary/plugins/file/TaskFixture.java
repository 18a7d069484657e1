package io.tributary.plugins.file;

import io.tributary.api.PluginClock;
import io.tributary.api.Position;
import io.tributary.api.SourceTask;
import io.tributary.testkit.RecordingSourceContext;
import io.tributary.testkit.TaskDriver;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/** What the unit tests of the file source share: a folder of logs, a data folder, and tasks closed after each test. */
abstract class TaskFixture {
    @TempDir
    Path logs;
    @TempDir
    Path dataDir;

    /** The context of the task started last. */
    RecordingSourceContext context;
    private final List<TaskDriver> drivers = new ArrayList<>();

    @AfterEach
    void closeDrivers() {
        drivers.forEach(TaskDriver::close);
    }

    /** Starts {@code task} from {@code committed}, reading time from {@code clock}; closed after the test. */
    TaskDriver startTask(SourceTask task, Map<String, Position> committed, PluginClock clock) {
        context = new RecordingSourceContext("app-logs", dataDir, committed, clock);
        TaskDriver driver = TaskDriver.start(task, context);
        drivers.add(driver);
        return driver;
    }
}
