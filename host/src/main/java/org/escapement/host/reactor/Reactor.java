package org.escapement.host.reactor;

import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * The event loop that owns printer state. Exactly one thread runs printer code at a time: the
 * dispatcher (timer and posted callbacks) or one fiber. A fiber is code that may wait ({@link
 * #pause}, {@link Completion#await}) without stopping the loop; it runs on a virtual thread and
 * hands control back and forth with the dispatcher, the way Klipper's greenlets do. Other
 * threads (serial readers) never touch printer state; they {@link #post} callbacks.
 */
public final class Reactor implements AutoCloseable {
  public static final double NOW = 0.0;
  public static final double NEVER = Double.POSITIVE_INFINITY;

  /** A timer callback: gets the time it runs at, returns when to run next ({@link #NEVER}). */
  @FunctionalInterface
  public interface TimerCallback {
    double onTimer(double eventtime);
  }

  /** A registered timer. */
  public static final class Timer {
    private final TimerCallback callback;
    private double waketime;
    private long order;
    private boolean queued;

    private Timer(TimerCallback callback, double waketime) {
      this.callback = callback;
      this.waketime = waketime;
    }

    public double waketime() {
      return waketime;
    }
  }

  /** Code running on its own virtual thread, in turns with the dispatcher. */
  static final class Fiber {
    final Thread thread;
    final Timer wakeTimer;
    boolean started;
    boolean finished;

    Fiber(Thread thread, Timer wakeTimer) {
      this.thread = thread;
      this.wakeTimer = wakeTimer;
    }
  }

  private final ReactorClock clock;
  private final PriorityQueue<Timer> timers = new PriorityQueue<>(
      (a, b) -> a.waketime != b.waketime ? Double.compare(a.waketime, b.waketime)
          : Long.compare(a.order, b.order));
  private long timerOrder;
  private final ConcurrentLinkedQueue<Runnable> posted = new ConcurrentLinkedQueue<>();
  private final Object idle = new Object();
  private boolean wakeRequested;
  private final List<Fiber> fibers = new ArrayList<>();
  private final ThreadLocal<Fiber> fiberOfThread = new ThreadLocal<>();
  private volatile Thread owner;
  private volatile Thread dispatcher;
  private volatile boolean running;
  private volatile boolean closed;
  private Consumer<Throwable> errorHandler = e -> System.getLogger("reactor")
      .log(System.Logger.Level.ERROR, "unhandled error in reactor callback", e);

  public Reactor(ReactorClock clock) {
    this.clock = clock;
  }

  public ReactorClock clock() {
    return clock;
  }

  /** See {@link ReactorClock#latencyScale}. */
  public double latencyScale() {
    return clock.latencyScale();
  }

  /** Reactor time now, in seconds. */
  public double monotonic() {
    return clock.now();
  }

  /** Where errors thrown by callbacks and fibers go (the printer shuts down on them). */
  public void setErrorHandler(Consumer<Throwable> handler) {
    this.errorHandler = handler;
  }

  // ---- timers: only from the reactor (dispatcher or fiber) ----

  public Timer registerTimer(TimerCallback callback, double waketime) {
    checkOwner();
    Timer t = new Timer(callback, waketime);
    schedule(t, waketime);
    return t;
  }

  public void updateTimer(Timer t, double waketime) {
    checkOwner();
    schedule(t, waketime);
  }

  public void unregisterTimer(Timer t) {
    checkOwner();
    if (t.queued) {
      timers.remove(t);
      t.queued = false;
    }
    t.waketime = NEVER;
  }

  private void schedule(Timer t, double waketime) {
    if (t.queued) {
      timers.remove(t);
      t.queued = false;
    }
    t.waketime = waketime;
    if (waketime != NEVER) {
      t.order = timerOrder++;
      timers.add(t);
      t.queued = true;
    }
  }

  private void checkOwner() {
    if (owner != Thread.currentThread()) {
      throw new IllegalStateException("reactor state touched from thread "
          + Thread.currentThread().getName() + "; use post()");
    }
  }

  /** True when the caller may touch printer state (it is the dispatcher or a running fiber). */
  public boolean inReactor() {
    return owner == Thread.currentThread();
  }

  // ---- from any thread ----

  /** Runs {@code r} on the reactor soon. Safe from any thread. */
  public void post(Runnable r) {
    posted.add(r);
    synchronized (idle) {
      wakeRequested = true;
      idle.notifyAll();
    }
  }

  /** A completion whose value a fiber can wait for. */
  public <T> Completion<T> completion() {
    return new Completion<>(this);
  }

  // ---- fibers ----

  /** Starts {@code body} as a fiber: it runs in turns with the reactor and may pause. */
  public void spawn(Runnable body) {
    if (!inReactor()) {
      post(() -> spawn(body));
      return;
    }
    Fiber[] self = new Fiber[1];
    Thread t = Thread.ofVirtual().name("fiber").unstarted(() -> runFiber(self[0], body));
    self[0] = new Fiber(t, new Timer(now -> resume(self[0]), NEVER));
    fibers.add(self[0]);
    schedule(self[0].wakeTimer, NOW);
  }

  private void runFiber(Fiber f, Runnable body) {
    fiberOfThread.set(f);
    awaitTurn();
    try {
      if (!closed) {
        body.run();
      }
    } catch (ReactorClosedException e) {
      // unwinding at shutdown
    } catch (Throwable e) {
      errorHandler.accept(e);
    } finally {
      f.finished = true;
      fibers.remove(f);
      Thread d = dispatcher;
      owner = d;
      LockSupport.unpark(d);
    }
  }

  /** Dispatcher side: give the fiber its turn and wait until it pauses or ends. */
  private double resume(Fiber f) {
    if (f.finished) {
      return NEVER;
    }
    if (!f.started) {
      f.started = true;
      f.thread.start();
    }
    switchTo(f.thread);
    return NEVER; // a pausing fiber re-arms its own timer
  }

  private void switchTo(Thread target) {
    Thread self = Thread.currentThread();
    owner = target;
    LockSupport.unpark(target);
    awaitTurnOf(self);
  }

  private void awaitTurn() {
    awaitTurnOf(Thread.currentThread());
  }

  private void awaitTurnOf(Thread self) {
    while (owner != self) {
      LockSupport.park(this);
    }
  }

  Fiber currentFiber(String what) {
    Fiber f = fiberOfThread.get();
    if (f == null || owner != Thread.currentThread()) {
      throw new IllegalStateException(what + " must run in a fiber (see Reactor.spawn)");
    }
    return f;
  }

  /** Makes a pausing fiber run again as soon as possible. */
  void wake(Fiber f) {
    checkOwner();
    if (!f.finished && f.wakeTimer.waketime > NOW) {
      schedule(f.wakeTimer, NOW);
    }
  }

  /**
   * Waits in the current fiber until reactor time {@code waketime} (or until woken); the
   * reactor runs other work meanwhile.
   *
   * @return the reactor time on waking
   * @throws ReactorClosedException if the reactor closes meanwhile
   */
  public double pause(double waketime) {
    Fiber f = currentFiber("pause");
    if (closed) {
      throw new ReactorClosedException();
    }
    schedule(f.wakeTimer, waketime);
    switchTo(dispatcher);
    if (closed) {
      throw new ReactorClosedException();
    }
    return monotonic();
  }

  /**
   * From a thread outside the reactor: runs {@code task} in a fiber and waits for its result.
   * The reactor must be running (see {@link #start}).
   */
  public <T> T call(Callable<T> task) throws ExecutionException, InterruptedException {
    if (inReactor()) {
      throw new IllegalStateException("call() from inside the reactor would deadlock");
    }
    java.util.concurrent.CompletableFuture<T> result = new java.util.concurrent.CompletableFuture<>();
    post(() -> spawn(() -> {
      try {
        result.complete(task.call());
      } catch (Throwable e) {
        result.completeExceptionally(e);
      }
    }));
    return result.get();
  }

  // ---- the loop ----

  /** Runs the loop on a new platform thread. */
  public Thread start(String name) {
    Thread t = Thread.ofPlatform().name(name).unstarted(this::run);
    running = true;
    dispatcher = t;
    t.start();
    return t;
  }

  /** Runs the loop in the calling thread until {@link #end}. */
  public void run() {
    dispatcher = Thread.currentThread();
    owner = dispatcher;
    running = true;
    try {
      while (running) {
        runPosted();
        double next = runTimers();
        if (!running || !posted.isEmpty()) {
          continue;
        }
        idleUntil(next);
      }
    } finally {
      closeFibers();
      owner = null;
    }
  }

  /** Stops the loop; fibers still waiting get a {@link ReactorClosedException}. */
  public void end() {
    running = false;
    synchronized (idle) {
      wakeRequested = true;
      idle.notifyAll();
    }
  }

  @Override
  public void close() {
    end();
    Thread d = dispatcher;
    if (d != null && d != Thread.currentThread()) {
      try {
        d.join(5000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void runPosted() {
    for (Runnable r; (r = posted.poll()) != null; ) {
      try {
        r.run();
      } catch (Throwable e) {
        errorHandler.accept(e);
      }
    }
  }

  /** Runs due timers; returns the time of the next one. */
  private double runTimers() {
    double now = clock.now();
    while (running) {
      Timer t = timers.peek();
      if (t == null || t.waketime > now) {
        return t == null ? NEVER : t.waketime;
      }
      timers.poll();
      t.queued = false;
      double next;
      try {
        next = t.callback.onTimer(now);
      } catch (Throwable e) {
        errorHandler.accept(e);
        next = NEVER;
      }
      if (!t.queued) { // the callback may have rescheduled it itself
        schedule(t, next);
      }
      if (!posted.isEmpty()) {
        break; // let cross-thread work (responses) interleave with busy timers
      }
    }
    Timer t = timers.peek();
    return t == null ? NEVER : t.waketime;
  }

  private void idleUntil(double next) {
    long nanos = clock.waitNanos(next);
    if (clock.isVirtual() && next != NEVER) {
      return; // the virtual clock just jumped to the next timer
    }
    synchronized (idle) {
      if (wakeRequested || !posted.isEmpty() || !running) {
        wakeRequested = false;
        return;
      }
      try {
        if (next == NEVER) {
          idle.wait();
        } else if (nanos > 0) {
          idle.wait(nanos / 1_000_000, (int) (nanos % 1_000_000));
        }
      } catch (InterruptedException e) {
        running = false;
        Thread.currentThread().interrupt();
      }
      wakeRequested = false;
    }
  }

  private void closeFibers() {
    closed = true;
    for (Fiber f : new ArrayList<>(fibers)) {
      if (f.started && !f.finished) {
        switchTo(f.thread); // it sees closed and unwinds
      }
    }
    fibers.clear();
  }
}
