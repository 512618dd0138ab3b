package org.escapement.host.reactor;

/**
 * A value that arrives later, possibly from another thread (a serial reader, say). A fiber
 * waits for it with {@link #await}; the reactor keeps running meanwhile.
 */
public final class Completion<T> {
  private final Reactor reactor;
  private volatile boolean done;
  private T value;
  /** Fibers waiting (several may: a BLTouch stows its pin on the trigger homing waits for). */
  private final java.util.List<Reactor.Fiber> waiters = new java.util.ArrayList<>();

  Completion(Reactor reactor) {
    this.reactor = reactor;
  }

  /** Sets the value (first call wins). Safe from any thread. */
  public void complete(T v) {
    synchronized (this) {
      if (done) {
        return;
      }
      value = v;
      done = true;
    }
    reactor.post(this::wakeWaiter);
  }

  private void wakeWaiter() {
    for (Reactor.Fiber w : java.util.List.copyOf(waiters)) {
      reactor.wake(w);
    }
  }

  public boolean isDone() {
    return done;
  }

  /**
   * Waits in the current fiber until the value arrives or reactor time reaches {@code
   * deadline}.
   *
   * @return the value, or null on timeout
   */
  public T await(double deadline) {
    Reactor.Fiber me = reactor.currentFiber("Completion.await");
    while (!done && reactor.monotonic() < deadline) {
      waiters.add(me);
      try {
        reactor.pause(deadline);
      } finally {
        waiters.remove(me);
      }
    }
    synchronized (this) {
      return done ? value : null;
    }
  }
}
