package org.escapement.host.mcu;

/**
 * An ordered stream of commands to one MCU. Commands of one queue go out in the order they were
 * queued; between queues the one whose head is needed soonest ({@code reqClock}) goes first.
 * Each stepper has its own queue so that one stepper's backlog does not hold up another's.
 */
public final class CommandQueue {
  /**
   * A command waiting to be packed into a block; {@code onPacked}, if not null, learns the
   * sequence number of the block that carries it.
   */
  record Pending(byte[] msg, long minClock, long reqClock, long order,
      java.util.function.LongConsumer onPacked) {}

  private Pending[] items = new Pending[16];
  private int head;
  private int size;
  /** The first {@code readyCount} entries may be sent now (their minClock has passed). */
  int readyCount;

  boolean active;
  final int order;

  CommandQueue(int order) {
    this.order = order;
  }

  int size() {
    return size;
  }

  Pending get(int i) {
    return items[(head + i) & (items.length - 1)];
  }

  void add(Pending p) {
    if (size == items.length) {
      Pending[] bigger = new Pending[items.length * 2];
      for (int i = 0; i < size; i++) {
        bigger[i] = get(i);
      }
      items = bigger;
      head = 0;
    }
    items[(head + size) & (items.length - 1)] = p;
    size++;
  }

  Pending poll() {
    Pending p = items[head];
    items[head] = null;
    head = (head + 1) & (items.length - 1);
    size--;
    readyCount--;
    return p;
  }
}
