package org.escapement.host.mcu;

import com.fazecast.jSerialComm.SerialPort;
import org.escapement.host.reactor.Reactor;

/** Reset sequences driven through a serial port's modem lines. */
final class BoardReset {
  private BoardReset() {}

  /** Open at a different baud, then pulse DTR: an Arduino-style bootloader resets. */
  static void arduino(String path, Reactor reactor) {
    SerialPort p = SerialPort.getCommPort(path);
    p.setBaudRate(2400);
    if (!p.openPort()) {
      throw new McuException("cannot open " + path + " to reset the board");
    }
    try {
      pause(reactor, 0.1);
      p.setDTR();
      pause(reactor, 0.1);
      p.clearDTR();
      pause(reactor, 0.1);
    } finally {
      p.closePort();
    }
  }

  /** Fysetc Cheetah v1.2: RTS held while DTR toggles, so its bootloader stays out of the way. */
  static void cheetah(String path, Reactor reactor) {
    SerialPort p = SerialPort.getCommPort(path);
    p.setBaudRate(2400);
    p.setRTS();
    if (!p.openPort()) {
      throw new McuException("cannot open " + path + " to reset the board");
    }
    try {
      pause(reactor, 0.1);
      p.setDTR();
      pause(reactor, 0.1);
      p.clearDTR();
      pause(reactor, 0.1);
      p.clearRTS();
      pause(reactor, 0.1);
      p.setDTR();
      pause(reactor, 0.1);
      p.clearDTR();
      pause(reactor, 0.1);
    } finally {
      p.closePort();
    }
  }

  private static void pause(Reactor reactor, double seconds) {
    reactor.pause(reactor.monotonic() + seconds);
  }
}
