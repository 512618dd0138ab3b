package org.escapement.host.io;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A pseudo-terminal created from Java (through the C library, with the foreign function API):
 * we hold the master side; any program opens {@link #slavePath()} as if it were a serial port.
 * The slave is put in raw mode so bytes pass unchanged.
 */
public final class Pty implements AutoCloseable {
  private static final int O_RDWR = 0x2;
  private static final int O_NOCTTY = 0x100;
  private static final int TERMIOS_SIZE = 128; // larger than glibc's struct termios
  private static final int EINTR = 4;
  private static final int EAGAIN = 11;

  private static final MethodHandle POSIX_OPENPT;
  private static final MethodHandle GRANTPT;
  private static final MethodHandle UNLOCKPT;
  private static final MethodHandle PTSNAME;
  private static final MethodHandle OPEN;
  private static final MethodHandle READ;
  private static final MethodHandle WRITE;
  private static final MethodHandle CLOSE;
  private static final MethodHandle TCGETATTR;
  private static final MethodHandle TCSETATTR;
  private static final MethodHandle CFMAKERAW;
  private static final MethodHandle POLL;

  static {
    Linker linker = Linker.nativeLinker();
    SymbolLookup libc = linker.defaultLookup();
    POSIX_OPENPT = handle(linker, libc, "posix_openpt",
        FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    GRANTPT = handle(linker, libc, "grantpt",
        FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    UNLOCKPT = handle(linker, libc, "unlockpt",
        FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    PTSNAME = handle(linker, libc, "ptsname",
        FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
    OPEN = linker.downcallHandle(libc.find("open").orElseThrow(),
        FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT),
        Linker.Option.firstVariadicArg(2));
    READ = handle(linker, libc, "read", FunctionDescriptor.of(ValueLayout.JAVA_LONG,
        ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG));
    WRITE = handle(linker, libc, "write", FunctionDescriptor.of(ValueLayout.JAVA_LONG,
        ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG));
    CLOSE = handle(linker, libc, "close",
        FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    TCGETATTR = handle(linker, libc, "tcgetattr",
        FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS));
    TCSETATTR = handle(linker, libc, "tcsetattr", FunctionDescriptor.of(ValueLayout.JAVA_INT,
        ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS));
    CFMAKERAW = handle(linker, libc, "cfmakeraw",
        FunctionDescriptor.ofVoid(ValueLayout.ADDRESS));
    POLL = handle(linker, libc, "poll", FunctionDescriptor.of(ValueLayout.JAVA_INT,
        ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT));
  }

  private static MethodHandle handle(Linker linker, SymbolLookup lookup, String name,
      FunctionDescriptor fd) {
    return linker.downcallHandle(lookup.find(name).orElseThrow(
        () -> new IllegalStateException("libc has no " + name)), fd);
  }

  private final int master;
  /** Kept open so the master does not see a hang-up while no program has the slave open. */
  private final int slaveKeeper;
  private final String slavePath;
  private final Path link;
  private final Arena arena = Arena.ofShared();
  private final MemorySegment readBuf = arena.allocate(4096);
  private final MemorySegment writeBuf = arena.allocate(4096);
  private final MemorySegment pollFd = arena.allocate(8);
  private volatile boolean closed;

  private Pty(int master, int slaveKeeper, String slavePath, Path link) {
    this.master = master;
    this.slaveKeeper = slaveKeeper;
    this.slavePath = slavePath;
    this.link = link;
  }

  /**
   * Creates a pty; if {@code link} is not null, a symlink there points to the slave (replacing
   * an old one).
   */
  public static Pty open(Path link) throws IOException {
    try {
      int master = (int) POSIX_OPENPT.invokeExact(O_RDWR | O_NOCTTY);
      if (master < 0 || (int) GRANTPT.invokeExact(master) != 0
          || (int) UNLOCKPT.invokeExact(master) != 0) {
        throw new IOException("cannot create a pseudo-terminal");
      }
      MemorySegment name = (MemorySegment) PTSNAME.invokeExact(master);
      String path = name.reinterpret(256).getString(0);
      int keeper;
      try (Arena a = Arena.ofConfined()) {
        keeper = (int) OPEN.invokeExact(a.allocateFrom(path), O_RDWR | O_NOCTTY);
        if (keeper < 0) {
          throw new IOException("cannot open " + path);
        }
        MemorySegment termios = a.allocate(TERMIOS_SIZE);
        if ((int) TCGETATTR.invokeExact(keeper, termios) != 0) {
          throw new IOException("tcgetattr failed on " + path);
        }
        CFMAKERAW.invokeExact(termios);
        if ((int) TCSETATTR.invokeExact(keeper, 0, termios) != 0) {
          throw new IOException("tcsetattr failed on " + path);
        }
      }
      if (link != null) {
        Files.deleteIfExists(link);
        Files.createSymbolicLink(link, Path.of(path));
      }
      return new Pty(master, keeper, path, link);
    } catch (IOException e) {
      throw e;
    } catch (Throwable e) {
      throw new IOException("cannot create a pseudo-terminal: " + e, e);
    }
  }

  /** The path a program opens: the symlink if one was asked for, else /dev/pts/N. */
  public String slavePath() {
    return link != null ? link.toString() : slavePath;
  }

  /**
   * Reads from the master (what the program wrote), waiting up to {@code timeoutMs}.
   *
   * @return bytes read, 0 on timeout, -1 once closed
   */
  public int read(byte[] buf, int timeoutMs) throws IOException {
    if (closed) {
      return -1;
    }
    try {
      pollFd.set(ValueLayout.JAVA_INT, 0, master);
      pollFd.set(ValueLayout.JAVA_SHORT, 4, (short) 1); // POLLIN
      pollFd.set(ValueLayout.JAVA_SHORT, 6, (short) 0);
      int ready = (int) POLL.invokeExact(pollFd, 1L, timeoutMs);
      if (ready <= 0 || closed) {
        return closed ? -1 : 0;
      }
      long n = (long) READ.invokeExact(master, readBuf, (long) Math.min(buf.length, 4096));
      if (n < 0) {
        return closed ? -1 : 0; // EIO while no program holds the slave: nothing to read
      }
      MemorySegment.copy(readBuf, ValueLayout.JAVA_BYTE, 0, buf, 0, (int) n);
      return (int) n;
    } catch (Throwable e) {
      throw new IOException("pty read failed: " + e, e);
    }
  }

  /** Writes to the master (the program reads it from the slave). */
  public synchronized void write(byte[] buf, int off, int len) throws IOException {
    try {
      while (len > 0 && !closed) {
        int chunk = Math.min(len, 4096);
        MemorySegment.copy(buf, off, writeBuf, ValueLayout.JAVA_BYTE, 0, chunk);
        long n = (long) WRITE.invokeExact(master, writeBuf, (long) chunk);
        if (n < 0) {
          throw new IOException("pty write failed");
        }
        off += (int) n;
        len -= (int) n;
      }
    } catch (IOException e) {
      throw e;
    } catch (Throwable e) {
      throw new IOException("pty write failed: " + e, e);
    }
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      int unusedA = (int) CLOSE.invokeExact(slaveKeeper);
      int unusedB = (int) CLOSE.invokeExact(master);
      if (link != null) {
        Files.deleteIfExists(link);
      }
    } catch (Throwable e) {
      // closing is best effort
    }
  }
}
