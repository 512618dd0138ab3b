package org.escapement.host.mcu;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import org.escapement.host.reactor.Reactor;
import org.escapement.host.reactor.ReactorClock;
import org.escapement.host.sim.FaultRelay;

/** A reactor, an in-memory cable (optionally through a fault relay) and a {@link FakeMcu}. */
final class LinkHarness implements AutoCloseable {
  final Reactor reactor = new Reactor(ReactorClock.system());
  volatile MemoryPipe cable = new MemoryPipe();
  final MemoryPipe far;
  final FaultRelay relay;
  final FakeMcu fake;
  final List<String> events = Collections.synchronizedList(new ArrayList<>());

  LinkHarness(byte[] dictionary, FaultRelay.Faults faults, long seed) {
    if (faults == null) {
      far = null;
      relay = null;
      fake = new FakeMcu(cable.mcu, dictionary);
    } else {
      far = new MemoryPipe();
      relay = new FaultRelay(cable.mcu, far.host, faults, seed);
      fake = new FakeMcu(far.mcu, dictionary);
    }
    reactor.start("test-reactor");
  }

  LinkHarness() {
    this(FakeMcu.SMALL_DICTIONARY.getBytes(), null, 0);
  }

  /** Plugs a new cable into the same MCU (the old one must be closed). */
  void replug() {
    cable = new MemoryPipe();
    fake.attach(cable.mcu);
  }

  /** An Mcu on this harness's cable, reporting events into {@link #events}. */
  Mcu newMcu(String name) {
    Mcu m = Mcu.live(name, new Mcu.Settings("memory", 250000, null, 2.0), reactor, null,
        s -> cable.host);
    m.setListener(new Mcu.Listener() {
      @Override
      public void mcuShutdown(Mcu mcu, String reason) {
        events.add("shutdown: " + reason);
      }

      @Override
      public void mcuLost(Mcu mcu, String message) {
        events.add("lost: " + message);
      }
    });
    return m;
  }

  <T> T call(Callable<T> task) throws Exception {
    try {
      return reactor.call(task);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof Exception ex) {
        throw ex;
      }
      throw e;
    }
  }

  void close(Mcu mcu) throws Exception {
    call(() -> {
      mcu.close();
      return null;
    });
  }

  @Override
  public void close() {
    if (relay != null) {
      relay.close();
    }
    fake.close();
    cable.host.close();
    if (far != null) {
      far.host.close();
    }
    reactor.close();
  }
}
