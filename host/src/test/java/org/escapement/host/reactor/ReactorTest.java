package org.escapement.host.reactor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ReactorTest {
  @Test
  void timersRunInTimeOrderOnTheVirtualClockWithoutWaiting() throws Exception {
    Reactor r = new Reactor(ReactorClock.virtual());
    List<String> log = Collections.synchronizedList(new ArrayList<>());
    r.start("test-reactor");
    long wall = System.nanoTime();
    String result = r.call(() -> {
      r.registerTimer(t -> {
        log.add("b@" + t);
        return Reactor.NEVER;
      }, 200.0);
      r.registerTimer(t -> {
        log.add("a@" + t);
        return t < 150 ? t + 100 : Reactor.NEVER;
      }, 100.0);
      r.pause(1000.0);
      return "done at " + r.monotonic();
    });
    r.close();
    assertThat(log).containsExactly("a@100.0", "b@200.0", "a@200.0");
    assertThat(result).isEqualTo("done at 1000.0");
    assertThat(System.nanoTime() - wall).isLessThan(5_000_000_000L);
  }

  @Test
  void aPausedFiberDoesNotStopOtherWork() throws Exception {
    Reactor r = new Reactor(ReactorClock.system());
    r.start("test-reactor");
    AtomicInteger ticks = new AtomicInteger();
    double slept = r.call(() -> {
      r.registerTimer(t -> {
        ticks.incrementAndGet();
        return t + 0.01;
      }, Reactor.NOW);
      double start = r.monotonic();
      return r.pause(start + 0.2) - start;
    });
    r.close();
    assertThat(slept).isBetween(0.2, 1.0);
    assertThat(ticks.get()).isGreaterThan(5);
  }

  @Test
  void aCompletionFromAnotherThreadWakesTheWaitingFiber() throws Exception {
    Reactor r = new Reactor(ReactorClock.system());
    r.start("test-reactor");
    String got = r.call(() -> {
      Completion<String> c = r.completion();
      Thread.ofPlatform().start(() -> {
        try {
          Thread.sleep(50);
        } catch (InterruptedException e) {
          return;
        }
        c.complete("hello");
      });
      double start = r.monotonic();
      String v = c.await(start + 5);
      assertThat(r.monotonic() - start).isLessThan(2);
      return v;
    });
    String timedOut = r.call(() -> r.<String>completion().await(r.monotonic() + 0.05));
    r.close();
    assertThat(got).isEqualTo("hello");
    assertThat(timedOut).isNull();
  }

  @Test
  void onlyOneThreadRunsReactorCodeAtATime() throws Exception {
    Reactor r = new Reactor(ReactorClock.system());
    r.start("test-reactor");
    AtomicInteger inside = new AtomicInteger();
    AtomicInteger maxInside = new AtomicInteger();
    AtomicInteger finished = new AtomicInteger();
    r.call(() -> {
      for (int i = 0; i < 20; i++) {
        r.spawn(() -> {
          for (int k = 0; k < 20; k++) {
            maxInside.accumulateAndGet(inside.incrementAndGet(), Math::max);
            Thread.onSpinWait();
            inside.decrementAndGet();
            r.pause(r.monotonic() + 0.001);
          }
          finished.incrementAndGet();
        });
      }
      while (finished.get() < 20) {
        r.pause(r.monotonic() + 0.01);
      }
      return null;
    });
    r.close();
    assertThat(maxInside.get()).isEqualTo(1);
  }

  @Test
  void reactorStateIsGuardedAndPauseNeedsAFiber() throws Exception {
    Reactor r = new Reactor(ReactorClock.virtual());
    assertThatThrownBy(() -> r.registerTimer(t -> Reactor.NEVER, 1))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("use post()");
    r.start("test-reactor");
    List<Throwable> errors = new ArrayList<>();
    java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
    r.setErrorHandler(e -> {
      errors.add(e);
      done.countDown();
    });
    r.post(() -> r.pause(5)); // a posted callback is not a fiber
    done.await();
    assertThat(errors).singleElement().asString().contains("must run in a fiber");
    assertThatThrownBy(() -> r.call(() -> {
      throw new IllegalArgumentException("boom");
    })).isInstanceOf(ExecutionException.class).hasCauseInstanceOf(IllegalArgumentException.class);
    r.close();
  }

  @Test
  void closingUnwindsWaitingFibers() throws Exception {
    Reactor r = new Reactor(ReactorClock.system());
    Thread loop = r.start("test-reactor");
    AtomicInteger unwound = new AtomicInteger();
    r.call(() -> {
      r.spawn(() -> {
        try {
          r.pause(Reactor.NEVER);
        } catch (ReactorClosedException e) {
          unwound.incrementAndGet();
          throw e;
        }
      });
      return null;
    });
    Thread.sleep(50);
    r.close();
    assertThat(loop.isAlive()).isFalse();
    assertThat(unwound.get()).isEqualTo(1);
  }
}
