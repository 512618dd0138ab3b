package org.escapement.host.mcu;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import org.escapement.host.mcu.transport.Transport;
import org.escapement.host.reactor.Completion;
import org.escapement.host.reactor.Reactor;
import org.escapement.protocol.Block;
import org.escapement.protocol.BlockDecoder;
import org.escapement.protocol.Dictionary;
import org.escapement.protocol.Message;
import org.escapement.protocol.MessageFormat;
import org.escapement.protocol.PayloadReader;
import org.escapement.protocol.ProtocolException;
import org.escapement.protocol.UnknownMessageException;

/**
 * One MCU connection: a reader thread that decodes blocks, a writer thread that runs the {@link
 * SerialQueue}, and response dispatch on the reactor. Neither thread touches printer state:
 * responses are posted to the reactor, where handlers registered per (message name, oid) and
 * pending queries receive them.
 */
public final class SerialLink implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger("mcu");
  /** Identify fetches the dictionary this many bytes at a time. */
  static final int IDENTIFY_CHUNK = 40;
  /** How often a waiting query looks at the ack state. */
  private static final double QUERY_POLL = 0.010;
  /** How long after its block's ack an answer may still be on its way to the reactor. */
  private static final double QUERY_ANSWER_GRACE = 0.020;

  /** Receives responses on the reactor. */
  @FunctionalInterface
  public interface ResponseHandler {
    void handle(Response response);
  }

  private record Key(String name, Long oid) {}

  private final class PendingQuery {
    final String name;
    final Long oid;
    final Completion<Response> done;
    volatile long minAckSeq;

    PendingQuery(String name, Long oid, Completion<Response> done) {
      this.name = name;
      this.oid = oid;
      this.done = done;
    }
  }

  private final String mcuName;
  private final Reactor reactor;
  private final Transport transport;
  private final boolean batch;
  private final SerialQueue queue;
  private final CommandQueue defaultQueue;
  private final Map<Key, ResponseHandler> handlers = new HashMap<>();
  private final List<PendingQuery> queries = new ArrayList<>();
  private final BlockDecoder decoder;
  private volatile Dictionary dictionary;
  private final List<String> receiveHistory = new ArrayList<>();
  private Consumer<String> onDisconnect = reason -> {};
  private Thread reader;
  private Thread writer;
  private volatile boolean closing;
  private volatile String failure;

  public SerialLink(String mcuName, Reactor reactor, Transport transport, boolean batch) {
    this.mcuName = mcuName;
    this.reactor = reactor;
    this.transport = transport;
    this.batch = batch;
    this.queue = new SerialQueue(reactor.clock(), transport::write, batch);
    this.defaultQueue = queue.newQueue();
    this.dictionary = Dictionary.parseJson("{\"commands\":{},\"responses\":{}}".getBytes());
    this.decoder = new BlockDecoder(new BlockDecoder.Listener() {
      @Override
      public void onBlock(Block block, long offset, byte[] framed, int start, int length) {
        blockReceived(block, length);
      }

      @Override
      public void onFault(BlockDecoder.Fault fault) {
        queue.countInvalid(fault.discarded());
        LOG.log(System.Logger.Level.DEBUG, () -> prefix() + "invalid bytes: " + fault.message());
      }
    });
    queue.onWriteError(e -> lost("write failed: " + e.getMessage()));
  }

  private String prefix() {
    return "mcu '" + mcuName + "': ";
  }

  public String mcuName() {
    return mcuName;
  }

  public boolean isBatch() {
    return batch;
  }

  public Transport transport() {
    return transport;
  }

  /** Called on the reactor when the link dies on its own (device gone, write failed). */
  public void onDisconnect(Consumer<String> handler) {
    this.onDisconnect = handler;
  }

  /** Starts the reader and writer threads (live mode). */
  public void start() {
    if (batch) {
      return;
    }
    writer = Thread.ofPlatform().daemon().name("serial-write " + mcuName).start(queue::run);
    reader = Thread.ofPlatform().daemon().name("serial-read " + mcuName).start(this::readLoop);
    try {
      // A lone sync byte ends any half block the MCU was holding from an earlier session.
      transport.write(new byte[] {Block.SYNC}, 0, 1);
    } catch (IOException e) {
      lost("write failed: " + e.getMessage());
    }
  }

  private void readLoop() {
    byte[] buf = new byte[4096];
    String reason = null;
    try {
      while (!closing) {
        int n = transport.read(buf);
        if (n < 0) {
          reason = "connection closed by the other end";
          break;
        }
        if (n > 0) {
          decoder.feed(buf, 0, n);
        }
      }
    } catch (IOException e) {
      reason = e.getMessage();
    } catch (RuntimeException e) {
      reason = "reader failed: " + e;
    }
    if (!closing && reason != null) {
      lost(reason);
    }
  }

  private void lost(String reason) {
    if (closing || failure != null) {
      return;
    }
    failure = reason;
    queue.close();
    reactor.post(() -> {
      failPendingQueries(prefix() + reason);
      onDisconnect.accept(reason);
    });
  }

  /** Non-null once the link has died. */
  public String failure() {
    return failure;
  }

  /** Reader thread: one valid block. */
  private void blockReceived(Block block, int length) {
    SerialQueue.Received r = queue.received(Block.SEQ_DEST | block.sequence(), length,
        reactor.monotonic());
    if (r == null || block.payload().length == 0) {
      return;
    }
    Dictionary dict = dictionary;
    List<Response> responses = new ArrayList<>(1);
    PayloadReader in = new PayloadReader(block.payload());
    try {
      while (in.hasRemaining()) {
        responses.add(new Response(dict.read(in), r.sentTime(), r.receiveTime(), r.ackSeq()));
      }
    } catch (UnknownMessageException e) {
      LOG.log(System.Logger.Level.DEBUG, () -> prefix() + "unknown message id " + e.messageId());
    } catch (ProtocolException e) {
      LOG.log(System.Logger.Level.WARNING, () -> prefix() + "undecodable response: "
          + e.getMessage());
    }
    if (!responses.isEmpty()) {
      reactor.post(() -> responses.forEach(this::dispatch));
    }
  }

  private void dispatch(Response r) {
    remember(r);
    Long oid = r.message().format().indexOf("oid") >= 0 ? r.getLong("oid") : null;
    for (Iterator<PendingQuery> it = queries.iterator(); it.hasNext(); ) {
      PendingQuery q = it.next();
      if (q.name.equals(r.name()) && Objects.equals(q.oid, oid) && r.ackSeq() > q.minAckSeq) {
        it.remove();
        q.done.complete(r);
        return;
      }
    }
    ResponseHandler h = handlers.get(new Key(r.name(), oid));
    if (h != null) {
      h.handle(r);
    } else if (r.message().format().kind() == MessageFormat.Kind.OUTPUT) {
      LOG.log(System.Logger.Level.INFO, () -> prefix() + r.message());
    } else {
      LOG.log(System.Logger.Level.DEBUG, () -> prefix() + "unhandled " + r.message());
    }
  }

  private void remember(Response r) {
    receiveHistory.add(r.receiveTime() + " " + r.message());
    if (receiveHistory.size() > 100) {
      receiveHistory.remove(0);
    }
  }

  /** Handles every {@code name} response (with that {@code oid}, if it has one). Reactor only. */
  public void registerResponse(String name, Long oid, ResponseHandler handler) {
    if (handler == null) {
      handlers.remove(new Key(name, oid));
    } else {
      handlers.put(new Key(name, oid), handler);
    }
  }

  public Dictionary dictionary() {
    return dictionary;
  }

  /** Installs the dictionary (from identify, or from a file in batch mode). */
  public void setDictionary(Dictionary dict) {
    this.dictionary = dict;
    dict.constant("SERIAL_BAUD").ifPresent(b -> queue.setWireFrequency(Double.parseDouble(b)));
    dict.constant("RECEIVE_WINDOW").ifPresent(w -> queue.setReceiveWindow(
        (int) Double.parseDouble(w)));
  }

  public CommandQueue newCommandQueue() {
    return queue.newQueue();
  }

  public CommandQueue defaultQueue() {
    return defaultQueue;
  }

  /** Queues an encoded command (any thread). */
  public void send(byte[] msg, long minClock, long reqClock, CommandQueue q) {
    queue.send(q, msg, minClock, reqClock);
  }

  public void send(Message m) {
    send(m.encode(), 0, 0, defaultQueue);
  }

  void setClockEstimate(double freq, double convTime, long convClock) {
    queue.setClockEstimate(freq, convTime, convClock);
  }

  /**
   * Sends {@code command} and waits (in a fiber) for the {@code responseName} response that
   * answers it. Only a response the MCU sent after processing the block that carried this
   * command counts, so a late answer to an earlier query is never taken for this one. Lost
   * blocks are the serial queue's business (it retransmits); a lost answer shows as the block
   * acknowledged but no response, and then the command is sent again.
   *
   * @throws McuException on timeout or when the link dies
   */
  public Response query(Message command, String responseName, Long oid, double timeout) {
    return query(command, responseName, oid, timeout, 0, defaultQueue);
  }

  /**
   * As {@link #query(Message, String, Long, double)}, not sent before the MCU clock reaches
   * {@code minClock}, through {@code cmdQueue} (a device's own queue keeps its order against
   * its other commands: a TMC register write after the moves before it).
   */
  public Response query(Message command, String responseName, Long oid, double timeout,
      long minClock, CommandQueue cmdQueue) {
    if (failure != null) {
      throw new McuException(prefix() + failure);
    }
    PendingQuery q = new PendingQuery(responseName, oid, reactor.completion());
    queries.add(q);
    double deadline = reactor.monotonic() + timeout;
    byte[] encoded = command.encode();
    try {
      while (true) {
        java.util.concurrent.atomic.AtomicLong carriedIn =
            new java.util.concurrent.atomic.AtomicLong(Long.MAX_VALUE);
        q.minAckSeq = Long.MAX_VALUE; // nothing counts until we know the block
        queue.send(cmdQueue, encoded, minClock, 0, seq -> {
          carriedIn.set(seq);
          q.minAckSeq = seq; // a response must come with an ack beyond this block
        });
        double ackedAt = -1;
        while (true) {
          double now = reactor.monotonic();
          Response r = q.done.await(Math.min(deadline, now + QUERY_POLL));
          if (r != null) {
            return r;
          }
          if (failure != null) {
            throw new McuException(prefix() + failure);
          }
          now = reactor.monotonic();
          if (now >= deadline) {
            throw new McuException(prefix() + "no '" + responseName + "' response to '"
                + command.name() + "' within " + timeout + " s");
          }
          if (queue.receiveSeq() > carriedIn.get()) {
            if (ackedAt < 0) {
              ackedAt = now;
            } else if (now - ackedAt >= QUERY_ANSWER_GRACE) {
              break; // processed, but the answer was lost on the way: ask again
            }
          }
        }
      }
    } finally {
      queries.remove(q);
    }
  }

  private void failPendingQueries(String reason) {
    for (PendingQuery q : new ArrayList<>(queries)) {
      q.done.complete(null);
    }
  }

  /**
   * Fetches the MCU's data dictionary through {@code identify} (in a fiber) and installs it.
   *
   * @throws McuException if the MCU does not answer within {@code timeout} or sends a
   *     dictionary that does not load
   */
  public Dictionary identify(double timeout) {
    MessageFormat identify = dictionary.command("identify").orElseThrow();
    ByteArrayOutputStream data = new ByteArrayOutputStream();
    double deadline = reactor.monotonic() + timeout;
    while (true) {
      double left = deadline - reactor.monotonic();
      if (left <= 0) {
        throw new McuException(prefix() + "the data dictionary did not arrive within "
            + timeout + " s");
      }
      Response r;
      try {
        r = query(identify.messageOf((long) data.size(), (long) IDENTIFY_CHUNK),
            "identify_response", null, left);
      } catch (McuException e) {
        throw new McuException(prefix() + "no answer to identify within " + timeout + " s ("
            + transport.describe() + "; is the firmware running, and the baud right?)", e);
      }
      if (r.getLong("offset") != data.size()) {
        continue; // an answer for another offset (a retry's); ask again
      }
      byte[] chunk = r.message().getBytes("data");
      if (chunk.length == 0) {
        break;
      }
      data.writeBytes(chunk);
    }
    Dictionary dict;
    try {
      dict = Dictionary.inflate(data.toByteArray());
    } catch (ProtocolException e) {
      throw new McuException(prefix() + "invalid data dictionary: " + e.getMessage(), e);
    }
    setDictionary(dict);
    return dict;
  }

  /** Batch mode: writes out everything queued. */
  public void flush() {
    if (batch) {
      queue.flush();
    }
  }

  /** Live mode: waits until everything queued has been sent and acknowledged. */
  public boolean awaitIdle(double timeoutSec) throws InterruptedException {
    return queue.awaitIdle(timeoutSec);
  }

  /** The serial fields of the log's Stats line. */
  public String stats() {
    return queue.stats();
  }

  SerialQueue queue() {
    return queue;
  }

  SerialQueue.Counters counters() {
    return queue.counters();
  }

  /** Recent traffic, for the shutdown dump in the log. */
  public String dumpDebug() {
    StringBuilder sb = new StringBuilder("Dumping serial stats: ").append(stats()).append('\n');
    List<SerialQueue.SentBlock> sent = queue.sentHistory();
    sb.append("Dumping send queue ").append(sent.size()).append(" messages\n");
    for (SerialQueue.SentBlock b : sent) {
      sb.append(String.format(java.util.Locale.ROOT, "Sent %d %f %f %d: ", b.seq(),
          b.arrivalTime(), b.sentTime(), b.bytes().length));
      try {
        List<Message> msgs = dictionary.decodePayload(java.util.Arrays.copyOfRange(b.bytes(),
            Block.HEADER_SIZE, b.bytes().length - Block.TRAILER_SIZE));
        sb.append(String.join(", ", msgs.stream().map(Message::toString).toList()));
      } catch (ProtocolException e) {
        sb.append("(undecodable: ").append(e.getMessage()).append(')');
      }
      sb.append('\n');
    }
    sb.append("Dumping receive queue ").append(receiveHistory.size()).append(" messages\n");
    receiveHistory.forEach(line -> sb.append("Receive: ").append(line).append('\n'));
    return sb.toString();
  }

  /** Stops the threads and closes the transport (after flushing, in batch mode). */
  @Override
  public void close() {
    if (closing) {
      return;
    }
    if (batch) {
      queue.flush();
    }
    closing = true;
    queue.close();
    try {
      transport.close();
    } catch (IOException e) {
      LOG.log(System.Logger.Level.WARNING, prefix() + "close failed: " + e.getMessage());
    }
    join(writer);
    join(reader);
    if (reactor.inReactor()) {
      failPendingQueries("closed");
    } else {
      reactor.post(() -> failPendingQueries("closed"));
    }
  }

  private static void join(Thread t) {
    if (t != null && t != Thread.currentThread()) {
      try {
        t.join(2000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
