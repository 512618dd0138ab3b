package org.escapement.host.mcu;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Up to eight input pins of one MCU that the MCU polls every {@value #QUERY_TIME} s and
 * reports on change ({@code buttons_state}); the host acknowledges each report so the MCU
 * stops resending it. Each user registers its pins as a group and hears of changes to them.
 */
public final class McuButtons {
  /** Seconds between polls of the pins on the MCU. */
  static final double QUERY_TIME = 0.002;
  /** Polls after which the MCU resends a state the host has not acknowledged. */
  static final int RETRANSMIT_COUNT = 50;
  /** The MCU reports at most eight pins as one byte. */
  public static final int MAX_PINS = 8;

  /** A group's pins changed: their state (bit 0: the group's first pin) at host time. */
  @FunctionalInterface
  public interface Callback {
    void changed(double eventtime, int state);
  }

  private record Group(int mask, int shift, Callback callback) {}

  private final Mcu mcu;
  private final List<McuPin> pins = new ArrayList<>();
  private final List<Group> groups = new ArrayList<>();
  private int invert;
  private int lastButton;
  private long ackCount;
  private int oid = -1;
  private McuCommand ackCmd;

  public McuButtons(Mcu mcu) {
    this.mcu = mcu;
    mcu.registerConfigCallback(this::buildConfig);
  }

  public int pinCount() {
    return pins.size();
  }

  public void setupButtons(List<McuPin> group, Callback callback) {
    int mask = 0;
    int shift = pins.size();
    for (McuPin p : group) {
      if (p.invert()) {
        invert |= 1 << pins.size();
      }
      mask |= 1 << pins.size();
      pins.add(p);
    }
    groups.add(new Group(mask, shift, callback));
  }

  private void buildConfig() {
    if (pins.isEmpty()) {
      return;
    }
    oid = mcu.createOid();
    mcu.addConfigCmd(String.format(Locale.ROOT, "config_buttons oid=%d button_count=%d", oid,
        pins.size()), false, false);
    for (int i = 0; i < pins.size(); i++) {
      McuPin p = pins.get(i);
      p.checkExists();
      mcu.addConfigCmd(String.format(Locale.ROOT, "buttons_add oid=%d pos=%d pin=%s pull_up=%d",
          oid, i, p.name(), p.pullup()), true, false);
    }
    ackCmd = mcu.lookupCommand("buttons_ack oid=%c count=%c", mcu.newCommandQueue());
    mcu.addConfigCmd(String.format(Locale.ROOT, "buttons_query oid=%d clock=%d rest_ticks=%d"
        + " retransmit_count=%d invert=%d", oid, mcu.querySlot(oid) & 0xFFFFFFFFL,
        mcu.secondsToClock(QUERY_TIME), RETRANSMIT_COUNT, invert), true, false);
    mcu.registerResponse("buttons_state", (long) oid, this::handleState);
  }

  private void handleState(Response r) {
    // The MCU counts acknowledged states in 8 bits: widen against our own count.
    long diff = (r.getLong("ack_count") - ackCount) & 0xff;
    diff -= (diff & 0x80) << 1;
    long msgAckCount = ackCount + diff;
    byte[] states = r.message().getBytes("state");
    long newCount = msgAckCount + states.length - ackCount;
    if (newCount <= 0) {
      return;
    }
    ackCmd.send(oid, newCount);
    ackCount += newCount;
    for (int i = states.length - (int) newCount; i < states.length; i++) {
      int button = (states[i] & 0xff) ^ invert;
      int changed = button ^ lastButton;
      lastButton = button;
      for (Group g : groups) {
        if ((changed & g.mask()) != 0) {
          g.callback().changed(r.receiveTime(), (button & g.mask()) >> g.shift());
        }
      }
    }
  }
}
