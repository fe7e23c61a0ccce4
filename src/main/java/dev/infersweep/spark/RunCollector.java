package dev.infersweep.spark;

import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;
import scala.runtime.AbstractFunction1;
import scala.runtime.AbstractFunction2;
import scala.runtime.BoxedUnit;

/**
 * Collects the runs' rows partition by partition as each task finishes (what {@code collect} does,
 * but keeping the finished ones), under an optional sweep-wide deadline: when it passes, the job
 * group is cancelled (its tasks interrupted) and the runs that had not finished are left to the
 * caller to record, as Hyperopt's SparkTrials does with its timeout.
 */
final class RunCollector {
  private RunCollector() {}

  /**
   * What came back.
   *
   * @param byPartition each finished partition's rows, by partition index
   * @param deadlinePassed whether the deadline cancelled the job before every partition finished
   */
  record Collected(Map<Integer, List<Row>> byPartition, boolean deadlinePassed) {}

  /** How the driver waits for the job under a deadline. */
  interface DeadlineClock {
    /**
     * Waits for {@code job} to end or {@code deadline} to pass, whichever comes first.
     *
     * @param done the partitions finished so far (filled in as they finish)
     * @return whether the deadline passed with the job still running
     */
    boolean passes(Thread job, Duration deadline, Map<Integer, List<Row>> done) throws InterruptedException;
  }

  /** The wall clock: the deadline passes {@code deadline} after the job was submitted. */
  static final DeadlineClock WALL_CLOCK =
      (job, deadline, done) -> {
        job.join(Math.max(1, deadline.toMillis()));
        return job.isAlive();
      };

  /** The clock deadlines are read on; tests put one they control here (DeadlineTest) and put this back. */
  static volatile DeadlineClock clock = WALL_CLOCK;

  /**
   * Runs {@code rdd}'s job in job group {@code group} and waits for it, at most {@code deadline}
   * (null: as long as it takes).
   *
   * @throws RuntimeException what the job threw, when it failed for another reason than the deadline
   */
  static Collected collect(JavaSparkContext jsc, JavaRDD<Row> rdd, String group, String description, Duration deadline) {
    Map<Integer, List<Row>> done = new ConcurrentHashMap<>();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    ClassTag<ArrayList<Row>> tag = ClassTag$.MODULE$.apply(ArrayList.class);
    Thread job =
        new Thread(
            () -> {
              // Job groups are per thread: set where the job is submitted, so that it can be cancelled.
              jsc.setJobGroup(group, description, true);
              try {
                jsc.sc().runJob(rdd.rdd(), new Rows(), new Keep(done), tag);
              } catch (Throwable t) {
                failure.set(t);
              } finally {
                jsc.clearJobGroup();
              }
            },
            "infersweep-sweep-" + group);
    job.setDaemon(true);
    job.start();
    boolean passed = await(job, deadline, done);
    if (passed) {
      jsc.cancelJobGroup(group);
      await(job, null, done);
    }
    Throwable t = failure.get();
    if (t != null && !passed) {
      throw t instanceof RuntimeException r ? r : new IllegalStateException(t.getMessage(), t);
    }
    return new Collected(Map.copyOf(done), passed && done.size() < rdd.getNumPartitions());
  }

  /** Waits for {@code job} to end, at most {@code limit}; whether the limit passed first. */
  private static boolean await(Thread job, Duration limit, Map<Integer, List<Row>> done) {
    try {
      if (limit == null) {
        job.join();
        return false;
      }
      return clock.passes(job, limit, done);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the sweep's runs", e);
    }
  }

  /** On the executor: a partition's rows, as a list. */
  private static final class Rows extends AbstractFunction1<scala.collection.Iterator<Row>, ArrayList<Row>>
      implements Serializable {
    private static final long serialVersionUID = 1L;

    @Override
    public ArrayList<Row> apply(scala.collection.Iterator<Row> rows) {
      ArrayList<Row> out = new ArrayList<>();
      while (rows.hasNext()) {
        out.add(rows.next());
      }
      return out;
    }
  }

  /** On the driver: keeps each finished partition's rows as they arrive. */
  private static final class Keep extends AbstractFunction2<Object, ArrayList<Row>, BoxedUnit> implements Serializable {
    private static final long serialVersionUID = 1L;
    private final transient Map<Integer, List<Row>> done;

    Keep(Map<Integer, List<Row>> done) {
      this.done = done;
    }

    @Override
    public BoxedUnit apply(Object partition, ArrayList<Row> rows) {
      done.put((Integer) partition, rows);
      return BoxedUnit.UNIT;
    }
  }
}
