package org.escapement.host.motion.steps;

import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Runs independent pieces of step generation (one per stepper) on several cores. Each
 * stepper's kinematics and compressor are its own and the trapezoid queues are only read
 * while steps are generated, so the steppers need no locking; the caller waits for all of
 * them before their commands are merged, which keeps the output the same as one thread's.
 * The threads are {@code escapement.stepThreads} (default: the cores), the caller included.
 */
public final class StepWorkers {
  static final int THREADS = Integer.getInteger("escapement.stepThreads",
      Runtime.getRuntime().availableProcessors());
  private static volatile ExecutorService pool;

  private StepWorkers() {}

  private static ExecutorService pool() {
    ExecutorService p = pool;
    if (p == null) {
      synchronized (StepWorkers.class) {
        p = pool;
        if (p == null) {
          AtomicInteger n = new AtomicInteger();
          p = Executors.newFixedThreadPool(THREADS - 1, r -> {
            Thread t = new Thread(r, "step-worker-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
          });
          pool = p;
        }
      }
    }
    return p;
  }

  /**
   * Calls {@code work} for every item, the calling thread taking its share, and returns when
   * all are done; the first failure is rethrown in the caller.
   */
  public static <T> void forEach(List<T> items, Consumer<T> work) {
    int helpers = Math.min(THREADS, items.size()) - 1;
    if (helpers <= 0) {
      items.forEach(work);
      return;
    }
    AtomicInteger next = new AtomicInteger();
    Runnable share = () -> {
      for (int i; (i = next.getAndIncrement()) < items.size(); ) {
        work.accept(items.get(i));
      }
    };
    @SuppressWarnings("unchecked")
    Future<?>[] futures = new Future<?>[helpers];
    ExecutorService p = pool();
    for (int i = 0; i < helpers; i++) {
      futures[i] = p.submit(share);
    }
    RuntimeException failure = null;
    try {
      share.run();
    } catch (RuntimeException e) {
      failure = e;
      next.set(items.size()); // stop handing out work
    }
    for (Future<?> f : futures) {
      try {
        f.get();
      } catch (ExecutionException e) {
        if (failure == null) {
          failure = e.getCause() instanceof RuntimeException r ? r
              : new IllegalStateException(e.getCause());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        if (failure == null) {
          failure = new IllegalStateException("interrupted while generating steps", e);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }
}
