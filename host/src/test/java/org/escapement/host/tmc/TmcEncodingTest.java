package org.escapement.host.tmc;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Current formulas, field packing and UART frames, against figures worked out by hand. */
class TmcEncodingTest {
  @Test
  void runCurrentUsesTheLowSenseRangeWhileItReaches() {
    // CS = int(32 * (Rsense + 0.02) * I * sqrt(2) / Vfs + 0.5) - 1, Vfs 0.18 V with vsense:
    // 32 * 0.13 * 0.8 * 1.41421 / 0.18 = 26.147, + 0.5 -> 26, - 1 = 25
    SenseResistorCurrent.Bits b = SenseResistorCurrent.bits(0.8, 2.0, 0.110);
    assertThat(b).isEqualTo(new SenseResistorCurrent.Bits(true, 25, 25));
    // and back: (25 + 1) * 0.18 / (32 * 0.13 * 1.41421) = 0.7955 A
    assertThat(SenseResistorCurrent.currentFromBits(25, true, 0.110))
        .isCloseTo(0.7955, org.assertj.core.data.Offset.offset(0.0001));
  }

  @Test
  void aCurrentBeyondTheLowRangeSwitchesVsenseOff() {
    // 1.2 A: with vsense CS would be 38, clamped to 31 = 0.979 A; with Vfs 0.32 V:
    // 32 * 0.13 * 1.2 * 1.41421 / 0.32 = 22.06, + 0.5 -> 22, - 1 = 21 = 1.197 A, nearer.
    // Hold 0.5 A in the same range: 32 * 0.13 * 0.5 * 1.41421 / 0.32 = 9.19 -> 9 - 1 = 8.
    assertThat(SenseResistorCurrent.bits(1.2, 0.5, 0.110))
        .isEqualTo(new SenseResistorCurrent.Bits(false, 21, 8));
  }

  @Test
  void holdCurrentIsNeverAboveRunCurrent() {
    // hold 1.0 > run 0.5: both 0.5 A -> 32 * 0.13 * 0.5 * 1.41421 / 0.18 = 16.34 -> 16 - 1 = 15
    assertThat(SenseResistorCurrent.bits(0.5, 1.0, 0.110))
        .isEqualTo(new SenseResistorCurrent.Bits(true, 15, 15));
  }

  @Test
  void fieldsPackIntoTheirRegisterAndSignedFieldsReadBackNegative() {
    TmcFields f = new TmcFields(TmcRegisterMaps.TMC2130);
    // IHOLD_IRUN: IHOLD bits 0-4, IRUN bits 8-12, IHOLDDELAY bits 16-19
    f.setField("ihold", 25);
    f.setField("irun", 25);
    assertThat(f.setField("iholddelay", 8)).isEqualTo(0x00081919L);
    // COOLCONF SGT is 7 bits at bit 16, two's complement: -1 is 0x7f, -64 is 0x40
    assertThat(f.setField("sgt", -1)).isEqualTo(0x7fL << 16);
    assertThat(f.getField("sgt")).isEqualTo(-1);
    assertThat(f.setField("sgt", -64)).isEqualTo(0x40L << 16);
    assertThat(f.getField("sgt")).isEqualTo(-64);
    assertThat(f.setField("sgt", 63)).isEqualTo(0x3fL << 16);
    assertThat(f.getField("sgt")).isEqualTo(63);
  }

  @Test
  void dumpShowsNonZeroFieldsLowestBitFirst() {
    TmcFields f = new TmcFields(TmcRegisterMaps.TMC2130);
    // INTPOL, MRES 4, VSENSE, TBL 1, HEND 7, TOFF 4
    assertThat(f.prettyFormat("CHOPCONF", 0x14028384L)).isEqualTo(
        "CHOPCONF:   14028384 toff=4 hend=7 tbl=1 vsense=1 mres=4(16usteps) intpol=1");
    assertThat(f.prettyFormat("DRV_STATUS", 0)).isEqualTo(
        "DRV_STATUS: 00000000 cs_actual=0(Reset?)");
  }

  @Test
  void tstepThresholdFromVelocity() {
    // TMC2209 at 12 MHz, 40 mm a turn of 200 full steps at 16 microsteps: 0.0125 mm a
    // microstep, 0.00078125 mm a 1/256 step; at 100 mm/s that is 12e6 * 0.00078125 / 100 =
    // 93.75 clocks, rounded 94.
    TmcFields f = new TmcFields(TmcRegisterMaps.TMC2209);
    f.setField("mres", 4);
    TmcTransport t = new TmcTransport() {
      public TmcFields fields() {
        return f;
      }

      public long getRegister(String reg) {
        return 0;
      }

      public void setRegister(String reg, long value, Double printTime) {}

      public Double tmcFrequency() {
        return 12e6;
      }

      public org.escapement.host.mcu.Mcu mcu() {
        return null;
      }
    };
    assertThat(TmcDriver.tstep(t, 100, 0.0125)).isEqualTo(94);
    assertThat(TmcDriver.tstep(t, 0, 0.0125)).isEqualTo(0xfffff);
    assertThat(TmcDriver.tstep(t, 0.0001, 0.0125)).isEqualTo(0xfffff); // clamped to 20 bits
  }

  @Test
  void uartFramesCarryStartAndStopBitsAndCrc8() {
    // 0x05 on the wire: start 0, 1010 0000 (lsb first), stop 1 -> bits 0x20a, bytes 0a 02
    assertThat(TmcUart.addSerialBits(new byte[] {0x05})).containsExactly(0x0a, 0x02);
    // CRC-8 (x^8 + x^2 + x + 1, each byte lsb first, datasheet 4.2) of f5 00 02 is c8
    byte[] req = {(byte) 0xf5, 0x00, 0x02};
    assertThat(TmcUart.crc8(req, 3)).isEqualTo(0xc8);
    // A read request is 4 bytes = 40 bits = 5 bytes on the wire
    assertThat(TmcUart.encodeRead(0xf5, 0, 0x02)).hasSize(5);
    // A reply (sync 05, master ff, register, 4 data bytes, CRC) decodes back to its value,
    // and a single flipped bit is refused
    byte[] reply = TmcUart.encodeWrite(0x05, 0xff, 0x02, 0x2a);
    assertThat(reply).hasSize(10);
    assertThat(TmcUart.decodeRead(0x02, reply)).isEqualTo(0x2aL);
    reply[4] ^= 0x10;
    assertThat(TmcUart.decodeRead(0x02, reply)).isNull();
  }

  @Test
  void tmc5160CurrentScalesTheGlobalScalerFirst() {
    // GS = int(I * 256 * sqrt 2 * Rsense / 0.325 + 0.5): 1.2 A, 0.075 ohm:
    // 1.2 * 256 * 1.41421 * 0.075 / 0.325 = 100.26 -> 100.
    // CS = int(I * 256 * 32 * sqrt 2 * Rsense / (GS * 0.325) - 1 + 0.5):
    // 1.2 * 8192 * 1.41421 * 0.075 / 32.5 = 32.08, - 0.5 -> 31 (run);
    // 0.6 A hold: 16.04 - 0.5 -> 15
    assertThat(GlobalScalerCurrent.bits(1.2, 0.6, 0.075)).containsExactly(100, 31, 15);
    // a small current keeps the scaler at its floor of 32; one beyond the range wraps to 0
    // (meaning 256): 3 A over 0.075 ohm -> 250.6 + 0.5 -> 251; 4 A -> 334 -> 0
    assertThat(GlobalScalerCurrent.globalScaler(0.1, 0.075)).isEqualTo(32);
    assertThat(GlobalScalerCurrent.globalScaler(3.0, 0.075)).isEqualTo(251);
    assertThat(GlobalScalerCurrent.globalScaler(4.0, 0.075)).isEqualTo(0);
  }
}
