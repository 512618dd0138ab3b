package org.escapement.host.reactor;

import java.util.ArrayDeque;

/**
 * A lock between fibers: a fiber that finds it taken pauses (the reactor keeps running) until
 * it is released. G-code sources (a file, the API, a console) take turns through one of these.
 */
public final class ReactorMutex {
  private final Reactor reactor;
  private Reactor.Fiber holder;
  private int depth;
  private final ArrayDeque<Reactor.Fiber> waiting = new ArrayDeque<>();

  public ReactorMutex(Reactor reactor) {
    this.reactor = reactor;
  }

  public boolean isLocked() {
    return holder != null;
  }

  /** Takes the lock (re-entrant), waiting in the current fiber while another holds it. */
  public void lock() {
    Reactor.Fiber me = reactor.currentFiber("ReactorMutex.lock");
    if (holder == me) {
      depth++;
      return;
    }
    while (holder != null) {
      waiting.add(me);
      try {
        reactor.pause(Reactor.NEVER);
      } finally {
        waiting.remove(me);
      }
    }
    holder = me;
    depth = 1;
  }

  public void unlock() {
    Reactor.Fiber me = reactor.currentFiber("ReactorMutex.unlock");
    if (holder != me) {
      throw new IllegalStateException("unlock of a mutex this fiber does not hold");
    }
    if (--depth > 0) {
      return;
    }
    holder = null;
    Reactor.Fiber next = waiting.peek();
    if (next != null) {
      reactor.wake(next);
    }
  }
}
