package org.escapement.host.reactor;

/**
 * A value that arrives later, possibly from another thread (a serial reader, say). A fiber
 * waits for it with {@link #await}; the reactor keeps running meanwhile.
 */
public final class Completion<T> {
  private final Reactor reactor;
  private volatile boolean done;
  private T value;
  private Reactor.Fiber waiter;

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
    Reactor.Fiber w = waiter;
    if (w != null) {
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
      waiter = me;
      try {
        reactor.pause(deadline);
      } finally {
        waiter = null;
      }
    }
    synchronized (this) {
      return done ? value : null;
    }
  }
}
