package dev.infersweep.spark;

import java.io.PrintStream;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;

/**
 * Prints a line each time a run (one task) of the sweep's job finishes: done/total, elapsed time and
 * an estimate of the time left. Retried tasks count once.
 */
final class ProgressListener extends SparkListener {
  private final String jobGroup;
  private final int total;
  private final PrintStream out;
  private final long startNanos = System.nanoTime();
  private final Set<Integer> stages = new HashSet<>();
  private final Set<Integer> done = new HashSet<>();
  private boolean finished;

  ProgressListener(String jobGroup, int total, PrintStream out) {
    this.jobGroup = jobGroup;
    this.total = total;
    this.out = out;
  }

  @Override
  public synchronized void onJobStart(SparkListenerJobStart jobStart) {
    if (jobStart.properties() != null
        && jobGroup.equals(jobStart.properties().getProperty("spark.jobGroup.id"))) {
      scala.collection.Iterator<Object> ids = jobStart.stageIds().iterator();
      while (ids.hasNext()) {
        stages.add((Integer) ids.next());
      }
    }
  }

  @Override
  public synchronized void onTaskEnd(SparkListenerTaskEnd taskEnd) {
    if (finished || !stages.contains(taskEnd.stageId()) || !taskEnd.taskInfo().successful()) {
      return;
    }
    report(taskEnd.taskInfo().index());
  }

  /**
   * The job is over and {@code partitions} came back: their lines are printed now where Spark's
   * listener bus, which delivers events on its own thread, has not delivered them yet, and later
   * events are ignored. Without this the last run's line could be missing.
   */
  synchronized void finish(Set<Integer> partitions) {
    for (int p : new java.util.TreeSet<>(partitions)) {
      report(p);
    }
    finished = true;
  }

  private void report(int partition) {
    if (!done.add(partition)) {
      return;
    }
    long elapsed = System.nanoTime() - startNanos;
    long eta = done.size() == total ? 0 : elapsed / done.size() * (total - done.size());
    out.printf(
        "[infersweep] %d/%d runs done (%d%%), elapsed %s, ETA %s%n",
        done.size(), total, 100 * done.size() / total, clock(elapsed), clock(eta));
    out.flush();
  }

  static String clock(long nanos) {
    Duration d = Duration.ofNanos(nanos);
    return String.format("%d:%02d:%02d", d.toHours(), d.toMinutesPart(), d.toSecondsPart());
  }
}
