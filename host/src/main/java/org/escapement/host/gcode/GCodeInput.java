package org.escapement.host.gcode;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.function.Consumer;
import org.escapement.host.io.Pty;

/**
 * Where G-code comes from. An input outlives one printer run: after RESTART the new run
 * goes on reading where the old one stopped (a file's remaining lines, the same terminal).
 */
public abstract sealed class GCodeInput implements AutoCloseable {
  private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
      .onMalformedInput(CodingErrorAction.REPLACE)
      .onUnmappableCharacter(CodingErrorAction.REPLACE);
  private final StringBuilder partial = new StringBuilder();
  /** Lines read and not yet run: they carry over into the next run after a RESTART. */
  private final ArrayDeque<String> lines = new ArrayDeque<>();
  private boolean ended;

  @Override
  public abstract void close() throws IOException;

  /**
   * Adds what was read (an empty chunk: the end of input) and returns its text. A line is
   * complete at its newline; at the end, a last line without one counts too.
   */
  synchronized String add(byte[] chunk) {
    boolean end = chunk.length == 0;
    ended |= end;
    CharBuffer out = CharBuffer.allocate(chunk.length + 16);
    decoder.decode(ByteBuffer.wrap(chunk), out, end);
    if (end) {
      decoder.flush(out);
    }
    String text = out.flip().toString();
    partial.append(text);
    int start = 0;
    for (int nl; (nl = partial.indexOf("\n", start)) >= 0; start = nl + 1) {
      lines.add(partial.substring(start, nl));
    }
    partial.delete(0, start);
    if (end && !partial.isEmpty()) {
      lines.add(partial.toString());
      partial.setLength(0);
    }
    return text;
  }

  /** The next line to run, or null. */
  synchronized String nextLine() {
    return lines.poll();
  }

  synchronized int backlog() {
    return lines.size();
  }

  /** Has the end of the input been read (lines may still wait)? */
  synchronized boolean ended() {
    return ended;
  }

  /** How much is read at a time. */
  static final int CHUNK = 4096;

  /** A G-code file run from start to end; it is read from the reactor, in order. */
  public static File file(Path path) throws IOException {
    return new File(path);
  }

  /** Lines typed or piped on standard input; answers go to {@code out}. */
  public static Stream console(InputStream in, OutputStream out) {
    return new Stream("console", in::read, (b, off, len) -> {
      out.write(b, off, len);
      out.flush();
    }, () -> {});
  }

  /**
   * A pseudo-terminal at {@code link} for serial-port hosts (OctoPrint and the like): they
   * send lines and read {@code ok}, {@code //} and {@code !!} answers.
   */
  public static Stream pty(Path link) throws IOException {
    Pty pty = Pty.open(link);
    return new Stream("pty " + link, buf -> {
      int n;
      do {
        n = pty.read(buf, 1000);
      } while (n == 0);
      return n;
    }, pty::write, pty::close);
  }

  /** A file: no reader thread; the run reads chunks itself, so batch runs are reproducible. */
  public static final class File extends GCodeInput {
    private final InputStream in;
    private final Path path;

    private File(Path path) throws IOException {
      this.path = path;
      this.in = Files.newInputStream(path);
    }

    public Path path() {
      return path;
    }

    /** The next chunk, or null at the end. */
    public byte[] read() throws IOException {
      byte[] buf = in.readNBytes(CHUNK);
      return buf.length == 0 ? null : buf;
    }

    @Override
    public void close() throws IOException {
      in.close();
    }
  }

  /**
   * A terminal or pipe, read by its own thread. The reader stops reading while the printer
   * has a backlog of unprocessed lines, so a fast sender is held back by the serial-style
   * flow control ({@code ok} per line) or by the pipe, and never fills memory.
   */
  public static final class Stream extends GCodeInput {
    /** Lines waiting before the reader pauses. */
    static final int MAX_BACKLOG = 20;

    interface Reader {
      int read(byte[] buf) throws IOException;
    }

    interface Writer {
      void write(byte[] b, int off, int len) throws IOException;
    }

    interface Closer {
      void close() throws IOException;
    }

    /** Receives what was read, on the reader thread; an empty chunk means end of input. */
    public interface Sink extends Consumer<byte[]> {}

    private final String name;
    private final Reader reader;
    private final Writer writer;
    private final Closer closer;
    private final Object lock = new Object();
    private Sink sink;
    private int backlog;
    private boolean writeFailed;
    private volatile boolean closed;
    private Thread thread;

    private Stream(String name, Reader reader, Writer writer, Closer closer) {
      this.name = name;
      this.reader = reader;
      this.writer = writer;
      this.closer = closer;
    }

    public String name() {
      return name;
    }

    /** Sends chunks to {@code sink} from now on (each printer run attaches its own). */
    public void attach(Sink sink) {
      synchronized (lock) {
        this.sink = sink;
        backlog = 0;
        lock.notifyAll();
      }
      if (thread == null) {
        thread = Thread.ofPlatform().daemon().name("gcode-input").start(this::readLoop);
      }
    }

    /** Stops delivering (the run that attached has ended); reading waits for the next. */
    public void detach() {
      synchronized (lock) {
        sink = null;
      }
    }

    /** The printer's count of lines not yet run; reading pauses at {@value #MAX_BACKLOG}. */
    public void setBacklog(int lines) {
      synchronized (lock) {
        backlog = lines;
        lock.notifyAll();
      }
    }

    /** Writes an answer line; a terminal nobody reads is not an error for the printer. */
    public void write(String line) {
      byte[] b = (line + "\n").getBytes(StandardCharsets.UTF_8);
      synchronized (lock) {
        if (writeFailed || closed) {
          return;
        }
        try {
          writer.write(b, 0, b.length);
        } catch (IOException e) {
          writeFailed = true;
          System.getLogger("gcode").log(System.Logger.Level.WARNING,
              "Write g-code response to " + name + ": " + e.getMessage());
        }
      }
    }

    private void readLoop() {
      byte[] buf = new byte[CHUNK];
      while (!closed) {
        int n;
        try {
          n = reader.read(buf);
        } catch (IOException e) {
          if (!closed) {
            System.getLogger("gcode").log(System.Logger.Level.WARNING,
                "Read g-code from " + name + ": " + e.getMessage());
          }
          n = -1;
        }
        byte[] chunk = n < 0 ? new byte[0] : Arrays.copyOf(buf, n);
        Sink s;
        synchronized (lock) {
          while (!closed && (sink == null || backlog >= MAX_BACKLOG)) {
            try {
              lock.wait();
            } catch (InterruptedException e) {
              return;
            }
          }
          s = sink;
        }
        if (closed) {
          return;
        }
        s.accept(chunk);
        if (n < 0) {
          return;
        }
      }
    }

    @Override
    public void close() throws IOException {
      closed = true;
      synchronized (lock) {
        lock.notifyAll();
      }
      closer.close();
    }
  }
}
