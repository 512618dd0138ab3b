package org.escapement.host.tmc;

import org.escapement.host.tmc.TmcFields.RegisterMap;

/**
 * Register addresses and field layouts of the Trinamic drivers, from their datasheets (field
 * names as Klipper spells them, lower case, so {@code driver_TBL} and {@code SET_TMC_FIELD
 * FIELD=tbl} mean what a Klipper user expects). Each field is (register, name, first bit,
 * width in bits).
 */
final class TmcRegisterMaps {
  private TmcRegisterMaps() {}

  private static String flag(long v, String text) {
    return v != 0 ? "1(" + text + ")" : "";
  }

  /** How DUMP_TMC shows the fields whose raw number says little. */
  private static RegisterMap commonFormats(RegisterMap m) {
    return m.format("i_scale_analog", v -> flag(v, "ExtVREF"))
        .format("shaft", v -> flag(v, "Reverse"))
        .format("reset", v -> flag(v, "Reset"))
        .format("drv_err", v -> flag(v, "ErrorShutdown!"))
        .format("uv_cp", v -> flag(v, "Undervoltage!"))
        .format("version", v -> "0x" + Long.toHexString(v))
        .format("mres", v -> v + "(" + (0x100 >> v) + "usteps)")
        .format("otpw", v -> flag(v, "OvertempWarning!"))
        .format("ot", v -> flag(v, "OvertempError!"))
        .format("s2ga", v -> flag(v, "ShortToGND_A!"))
        .format("s2gb", v -> flag(v, "ShortToGND_B!"))
        .format("ola", v -> flag(v, "OpenLoad_A!"))
        .format("olb", v -> flag(v, "OpenLoad_B!"))
        .format("cs_actual", v -> v != 0 ? Long.toString(v) : "0(Reset?)");
  }

  /** The microstep wave table registers the SPI drivers share (TMC2130 datasheet 5.5). */
  private static void waveTable(RegisterMap m) {
    for (int i = 0; i < 8; i++) {
      m.register("MSLUT" + i, 0x60 + i).field("MSLUT" + i, "mslut" + i, 0, 32);
    }
    m.register("MSLUTSEL", 0x68).register("MSLUTSTART", 0x69);
    m.field("MSLUTSEL", "x3", 24, 8).field("MSLUTSEL", "x2", 16, 8)
        .field("MSLUTSEL", "x1", 8, 8).field("MSLUTSEL", "w3", 6, 2)
        .field("MSLUTSEL", "w2", 4, 2).field("MSLUTSEL", "w1", 2, 2)
        .field("MSLUTSEL", "w0", 0, 2);
    m.field("MSLUTSTART", "start_sin", 0, 8).field("MSLUTSTART", "start_sin90", 16, 8);
  }

  /** TMC2130 (SPI), datasheet rev 1.14 section 5. */
  static final RegisterMap TMC2130 = tmc2130();

  private static RegisterMap tmc2130() {
    RegisterMap m = new RegisterMap();
    m.register("GCONF", 0x00).register("GSTAT", 0x01).register("IOIN", 0x04)
        .register("IHOLD_IRUN", 0x10).register("TPOWERDOWN", 0x11).register("TSTEP", 0x12)
        .register("TPWMTHRS", 0x13).register("TCOOLTHRS", 0x14).register("THIGH", 0x15)
        .register("XDIRECT", 0x2d);
    waveTable(m);
    m.register("MSCNT", 0x6a).register("MSCURACT", 0x6b).register("CHOPCONF", 0x6c)
        .register("COOLCONF", 0x6d).register("DCCTRL", 0x6e).register("DRV_STATUS", 0x6f)
        .register("PWMCONF", 0x70).register("PWM_SCALE", 0x71).register("ENCM_CTRL", 0x72)
        .register("LOST_STEPS", 0x73);
    String[] gconf = {"i_scale_analog", "internal_rsense", "en_pwm_mode", "enc_commutation",
        "shaft", "diag0_error", "diag0_otpw", "diag0_stall", "diag1_stall", "diag1_index",
        "diag1_onstate", "diag1_steps_skipped", "diag0_int_pushpull", "diag1_pushpull",
        "small_hysteresis", "stop_enable", "direct_mode", "test_mode"};
    for (int i = 0; i < gconf.length; i++) {
      m.field("GCONF", gconf[i], i, 1);
    }
    m.field("GSTAT", "reset", 0, 1).field("GSTAT", "drv_err", 1, 1).field("GSTAT", "uv_cp", 2, 1);
    m.field("IOIN", "step", 0, 1).field("IOIN", "dir", 1, 1).field("IOIN", "dcen_cfg4", 2, 1)
        .field("IOIN", "dcin_cfg5", 3, 1).field("IOIN", "drv_enn_cfg6", 4, 1)
        .field("IOIN", "dco", 5, 1).field("IOIN", "version", 24, 8);
    ihold(m);
    m.field("TPOWERDOWN", "tpowerdown", 0, 8).field("TSTEP", "tstep", 0, 20)
        .field("TPWMTHRS", "tpwmthrs", 0, 20).field("TCOOLTHRS", "tcoolthrs", 0, 20)
        .field("THIGH", "thigh", 0, 20);
    m.field("MSCNT", "mscnt", 0, 10).field("MSCURACT", "cur_a", 0, 9)
        .field("MSCURACT", "cur_b", 16, 9);
    m.field("CHOPCONF", "toff", 0, 4).field("CHOPCONF", "hstrt", 4, 3)
        .field("CHOPCONF", "hend", 7, 4).field("CHOPCONF", "fd3", 11, 1)
        .field("CHOPCONF", "disfdcc", 12, 1).field("CHOPCONF", "rndtf", 13, 1)
        .field("CHOPCONF", "chm", 14, 1).field("CHOPCONF", "tbl", 15, 2)
        .field("CHOPCONF", "vsense", 17, 1).field("CHOPCONF", "vhighfs", 18, 1)
        .field("CHOPCONF", "vhighchm", 19, 1).field("CHOPCONF", "sync", 20, 4)
        .field("CHOPCONF", "mres", 24, 4).field("CHOPCONF", "intpol", 28, 1)
        .field("CHOPCONF", "dedge", 29, 1).field("CHOPCONF", "diss2g", 30, 1);
    m.field("COOLCONF", "semin", 0, 4).field("COOLCONF", "seup", 5, 2)
        .field("COOLCONF", "semax", 8, 4).field("COOLCONF", "sedn", 13, 2)
        .field("COOLCONF", "seimin", 15, 1).field("COOLCONF", "sgt", 16, 7)
        .field("COOLCONF", "sfilt", 24, 1);
    m.field("DRV_STATUS", "sg_result", 0, 10).field("DRV_STATUS", "fsactive", 15, 1)
        .field("DRV_STATUS", "cs_actual", 16, 5).field("DRV_STATUS", "stallguard", 24, 1)
        .field("DRV_STATUS", "ot", 25, 1).field("DRV_STATUS", "otpw", 26, 1)
        .field("DRV_STATUS", "s2ga", 27, 1).field("DRV_STATUS", "s2gb", 28, 1)
        .field("DRV_STATUS", "ola", 29, 1).field("DRV_STATUS", "olb", 30, 1)
        .field("DRV_STATUS", "stst", 31, 1);
    m.field("PWMCONF", "pwm_ampl", 0, 8).field("PWMCONF", "pwm_grad", 8, 8)
        .field("PWMCONF", "pwm_freq", 16, 2).field("PWMCONF", "pwm_autoscale", 18, 1)
        .field("PWMCONF", "pwm_symmetric", 19, 1).field("PWMCONF", "freewheel", 20, 2);
    m.field("PWM_SCALE", "pwm_scale", 0, 8).field("LOST_STEPS", "lost_steps", 0, 20);
    m.signed("cur_a", "cur_b", "sgt");
    return commonFormats(m);
  }

  static final java.util.List<String> TMC2130_READ = java.util.List.of("GCONF", "GSTAT",
      "IOIN", "TSTEP", "XDIRECT", "MSCNT", "MSCURACT", "CHOPCONF", "DRV_STATUS", "PWM_SCALE",
      "LOST_STEPS");

  private static void ihold(RegisterMap m) {
    m.field("IHOLD_IRUN", "ihold", 0, 5).field("IHOLD_IRUN", "irun", 8, 5)
        .field("IHOLD_IRUN", "iholddelay", 16, 4);
  }

  /** TMC2208/2224 (UART), datasheet rev 1.13 section 5. */
  static final RegisterMap TMC2208 = tmc2208();

  private static RegisterMap tmc2208() {
    RegisterMap m = new RegisterMap();
    m.register("GCONF", 0x00).register("GSTAT", 0x01).register("IFCNT", 0x02)
        .register("SLAVECONF", 0x03).register("OTP_PROG", 0x04).register("OTP_READ", 0x05)
        .register("IOIN", 0x06).register("FACTORY_CONF", 0x07).register("IHOLD_IRUN", 0x10)
        .register("TPOWERDOWN", 0x11).register("TSTEP", 0x12).register("TPWMTHRS", 0x13)
        .register("VACTUAL", 0x22).register("MSCNT", 0x6a).register("MSCURACT", 0x6b)
        .register("CHOPCONF", 0x6c).register("DRV_STATUS", 0x6f).register("PWMCONF", 0x70)
        .register("PWM_SCALE", 0x71).register("PWM_AUTO", 0x72);
    String[] gconf = {"i_scale_analog", "internal_rsense", "en_spreadcycle", "shaft",
        "index_otpw", "index_step", "pdn_disable", "mstep_reg_select", "multistep_filt",
        "test_mode"};
    for (int i = 0; i < gconf.length; i++) {
      m.field("GCONF", gconf[i], i, 1);
    }
    m.field("GSTAT", "reset", 0, 1).field("GSTAT", "drv_err", 1, 1).field("GSTAT", "uv_cp", 2, 1);
    m.field("IFCNT", "ifcnt", 0, 8).field("SLAVECONF", "senddelay", 8, 4);
    m.field("OTP_PROG", "otpbit", 0, 3).field("OTP_PROG", "otpbyte", 4, 2)
        .field("OTP_PROG", "otpmagic", 8, 8);
    m.field("OTP_READ", "otp_fclktrim", 0, 5).field("OTP_READ", "otp_ottrim", 5, 1)
        .field("OTP_READ", "otp_internalrsense", 6, 1).field("OTP_READ", "otp_tbl", 7, 1)
        .field("OTP_READ", "otp_pwm_grad", 8, 4).field("OTP_READ", "otp_pwm_autograd", 12, 1)
        .field("OTP_READ", "otp_tpwmthrs", 13, 3).field("OTP_READ", "otp_pwm_ofs", 16, 1)
        .field("OTP_READ", "otp_pwm_reg", 17, 1).field("OTP_READ", "otp_pwm_freq", 18, 1)
        .field("OTP_READ", "otp_iholddelay", 19, 2).field("OTP_READ", "otp_ihold", 21, 2)
        .field("OTP_READ", "otp_en_spreadcycle", 23, 1);
    // IOIN's layout depends on the chip variant, told by its sel_a bit: TMC222x (0), TMC220x (1)
    m.field("IOIN@TMC222x", "pdn_uart", 1, 1).field("IOIN@TMC222x", "spread", 2, 1)
        .field("IOIN@TMC222x", "dir", 3, 1).field("IOIN@TMC222x", "enn", 4, 1)
        .field("IOIN@TMC222x", "step", 5, 1).field("IOIN@TMC222x", "ms1", 6, 1)
        .field("IOIN@TMC222x", "ms2", 7, 1).field("IOIN@TMC222x", "sel_a", 8, 1)
        .field("IOIN@TMC222x", "version", 24, 8);
    m.field("IOIN@TMC220x", "enn", 0, 1).field("IOIN@TMC220x", "ms1", 2, 1)
        .field("IOIN@TMC220x", "ms2", 3, 1).field("IOIN@TMC220x", "diag", 4, 1)
        .field("IOIN@TMC220x", "pdn_uart", 6, 1).field("IOIN@TMC220x", "step", 7, 1)
        .field("IOIN@TMC220x", "sel_a", 8, 1).field("IOIN@TMC220x", "dir", 9, 1)
        .field("IOIN@TMC220x", "version", 24, 8);
    m.field("FACTORY_CONF", "fclktrim", 0, 5).field("FACTORY_CONF", "ottrim", 8, 2);
    ihold(m);
    m.field("TPOWERDOWN", "tpowerdown", 0, 8).field("TSTEP", "tstep", 0, 20)
        .field("TPWMTHRS", "tpwmthrs", 0, 20).field("VACTUAL", "vactual", 0, 24)
        .field("MSCNT", "mscnt", 0, 10).field("MSCURACT", "cur_a", 0, 9)
        .field("MSCURACT", "cur_b", 16, 9);
    m.field("CHOPCONF", "toff", 0, 4).field("CHOPCONF", "hstrt", 4, 3)
        .field("CHOPCONF", "hend", 7, 4).field("CHOPCONF", "tbl", 15, 2)
        .field("CHOPCONF", "vsense", 17, 1).field("CHOPCONF", "mres", 24, 4)
        .field("CHOPCONF", "intpol", 28, 1).field("CHOPCONF", "dedge", 29, 1)
        .field("CHOPCONF", "diss2g", 30, 1).field("CHOPCONF", "diss2vs", 31, 1);
    String[] drv = {"otpw", "ot", "s2ga", "s2gb", "s2vsa", "s2vsb", "ola", "olb", "t120", "t143",
        "t150", "t157"};
    for (int i = 0; i < drv.length; i++) {
      m.field("DRV_STATUS", drv[i], i, 1);
    }
    m.field("DRV_STATUS", "cs_actual", 16, 5).field("DRV_STATUS", "stealth", 30, 1)
        .field("DRV_STATUS", "stst", 31, 1);
    m.field("PWMCONF", "pwm_ofs", 0, 8).field("PWMCONF", "pwm_grad", 8, 8)
        .field("PWMCONF", "pwm_freq", 16, 2).field("PWMCONF", "pwm_autoscale", 18, 1)
        .field("PWMCONF", "pwm_autograd", 19, 1).field("PWMCONF", "freewheel", 20, 2)
        .field("PWMCONF", "pwm_reg", 24, 4).field("PWMCONF", "pwm_lim", 28, 4);
    m.field("PWM_SCALE", "pwm_scale_sum", 0, 8).field("PWM_SCALE", "pwm_scale_auto", 16, 9);
    m.field("PWM_AUTO", "pwm_ofs_auto", 0, 8).field("PWM_AUTO", "pwm_grad_auto", 16, 8);
    m.signed("cur_a", "cur_b", "pwm_scale_auto");
    commonFormats(m);
    return m.format("sel_a", v -> v + "(" + (v != 0 ? "TMC220x" : "TMC222x") + ")")
        .format("s2vsa", v -> flag(v, "ShortToSupply_A!"))
        .format("s2vsb", v -> flag(v, "ShortToSupply_B!"));
  }

  static final java.util.List<String> TMC2208_READ = java.util.List.of("GCONF", "GSTAT",
      "IFCNT", "OTP_READ", "IOIN", "FACTORY_CONF", "TSTEP", "MSCNT", "MSCURACT", "CHOPCONF",
      "DRV_STATUS", "PWMCONF", "PWM_SCALE", "PWM_AUTO");

  /** TMC2209 (UART): a TMC2208 with StallGuard4 and CoolStep, datasheet rev 1.09. */
  static final RegisterMap TMC2209 = tmc2209();

  private static RegisterMap tmc2209() {
    RegisterMap m = new RegisterMap(TMC2208);
    m.register("TCOOLTHRS", 0x14).register("COOLCONF", 0x42).register("SGTHRS", 0x40)
        .register("SG_RESULT", 0x41);
    m.field("COOLCONF", "semin", 0, 4).field("COOLCONF", "seup", 5, 2)
        .field("COOLCONF", "semax", 8, 4).field("COOLCONF", "sedn", 13, 2)
        .field("COOLCONF", "seimin", 15, 1);
    // The TMC2209 has one IOIN layout (no sel_a); its field names win over the 2208 variants'.
    m.field("IOIN", "enn", 0, 1).field("IOIN", "ms1", 2, 1).field("IOIN", "ms2", 3, 1)
        .field("IOIN", "diag", 4, 1).field("IOIN", "pdn_uart", 6, 1).field("IOIN", "step", 7, 1)
        .field("IOIN", "spread_en", 8, 1).field("IOIN", "dir", 9, 1)
        .field("IOIN", "version", 24, 8);
    m.field("SGTHRS", "sgthrs", 0, 8).field("SG_RESULT", "sg_result", 0, 10)
        .field("TCOOLTHRS", "tcoolthrs", 0, 20);
    return m;
  }

  static final java.util.List<String> TMC2209_READ;

  static {
    java.util.List<String> l = new java.util.ArrayList<>(TMC2208_READ);
    l.add("SG_RESULT");
    TMC2209_READ = java.util.List.copyOf(l);
  }

  /** TMC5160 (SPI), datasheet rev 1.17 section 6; its motion controller registers unused. */
  static final RegisterMap TMC5160 = tmc5160();

  private static RegisterMap tmc5160() {
    RegisterMap m = new RegisterMap();
    String[][] regs = {{"GCONF", "00"}, {"GSTAT", "01"}, {"IFCNT", "02"}, {"SLAVECONF", "03"},
        {"IOIN", "04"}, {"X_COMPARE", "05"}, {"OTP_READ", "07"}, {"FACTORY_CONF", "08"},
        {"SHORT_CONF", "09"}, {"DRV_CONF", "0a"}, {"GLOBALSCALER", "0b"},
        {"OFFSET_READ", "0c"}, {"IHOLD_IRUN", "10"}, {"TPOWERDOWN", "11"}, {"TSTEP", "12"},
        {"TPWMTHRS", "13"}, {"TCOOLTHRS", "14"}, {"THIGH", "15"}, {"RAMPMODE", "20"},
        {"XACTUAL", "21"}, {"VACTUAL", "22"}, {"VSTART", "23"}, {"A1", "24"}, {"V1", "25"},
        {"AMAX", "26"}, {"VMAX", "27"}, {"DMAX", "28"}, {"D1", "2a"}, {"VSTOP", "2b"},
        {"TZEROWAIT", "2c"}, {"XTARGET", "2d"}, {"VDCMIN", "33"}, {"SW_MODE", "34"},
        {"RAMP_STAT", "35"}, {"XLATCH", "36"}, {"ENCMODE", "38"}, {"X_ENC", "39"},
        {"ENC_CONST", "3a"}, {"ENC_STATUS", "3b"}, {"ENC_LATCH", "3c"},
        {"ENC_DEVIATION", "3d"}};
    for (String[] r : regs) {
      m.register(r[0], Integer.parseInt(r[1], 16));
    }
    waveTable(m);
    m.register("MSCNT", 0x6a).register("MSCURACT", 0x6b).register("CHOPCONF", 0x6c)
        .register("COOLCONF", 0x6d).register("DCCTRL", 0x6e).register("DRV_STATUS", 0x6f)
        .register("PWMCONF", 0x70).register("PWM_SCALE", 0x71).register("PWM_AUTO", 0x72)
        .register("LOST_STEPS", 0x73);
    m.field("COOLCONF", "semin", 0, 4).field("COOLCONF", "seup", 5, 2)
        .field("COOLCONF", "semax", 8, 4).field("COOLCONF", "sedn", 13, 2)
        .field("COOLCONF", "seimin", 15, 1).field("COOLCONF", "sgt", 16, 7)
        .field("COOLCONF", "sfilt", 24, 1);
    m.field("CHOPCONF", "toff", 0, 4).field("CHOPCONF", "hstrt", 4, 3)
        .field("CHOPCONF", "hend", 7, 4).field("CHOPCONF", "fd3", 11, 1)
        .field("CHOPCONF", "disfdcc", 12, 1).field("CHOPCONF", "chm", 14, 1)
        .field("CHOPCONF", "tbl", 15, 2).field("CHOPCONF", "vhighfs", 18, 1)
        .field("CHOPCONF", "vhighchm", 19, 1).field("CHOPCONF", "tpfd", 20, 4)
        .field("CHOPCONF", "mres", 24, 4).field("CHOPCONF", "intpol", 28, 1)
        .field("CHOPCONF", "dedge", 29, 1).field("CHOPCONF", "diss2g", 30, 1)
        .field("CHOPCONF", "diss2vs", 31, 1);
    m.field("DRV_CONF", "bbmtime", 0, 5).field("DRV_CONF", "bbmclks", 8, 4)
        .field("DRV_CONF", "otselect", 16, 2).field("DRV_CONF", "drvstrength", 18, 2)
        .field("DRV_CONF", "filt_isense", 20, 2);
    m.field("DRV_STATUS", "sg_result", 0, 10).field("DRV_STATUS", "s2vsa", 12, 1)
        .field("DRV_STATUS", "s2vsb", 13, 1).field("DRV_STATUS", "stealth", 14, 1)
        .field("DRV_STATUS", "fsactive", 15, 1).field("DRV_STATUS", "cs_actual", 16, 5)
        .field("DRV_STATUS", "stallguard", 24, 1).field("DRV_STATUS", "ot", 25, 1)
        .field("DRV_STATUS", "otpw", 26, 1).field("DRV_STATUS", "s2ga", 27, 1)
        .field("DRV_STATUS", "s2gb", 28, 1).field("DRV_STATUS", "ola", 29, 1)
        .field("DRV_STATUS", "olb", 30, 1).field("DRV_STATUS", "stst", 31, 1);
    m.field("FACTORY_CONF", "factory_conf", 0, 5);
    String[] gconf = {"recalibrate", "faststandstill", "en_pwm_mode", "multistep_filt",
        "shaft", "diag0_error", "diag0_otpw", "diag0_stall", "diag1_stall", "diag1_index",
        "diag1_onstate", "diag1_steps_skipped", "diag0_int_pushpull", "diag1_poscomp_pushpull",
        "small_hysteresis", "stop_enable", "direct_mode", "test_mode"};
    for (int i = 0; i < gconf.length; i++) {
      m.field("GCONF", gconf[i], i, 1);
    }
    m.field("GSTAT", "reset", 0, 1).field("GSTAT", "drv_err", 1, 1).field("GSTAT", "uv_cp", 2, 1);
    m.field("GLOBALSCALER", "globalscaler", 0, 8);
    ihold(m);
    String[] ioin = {"refl_step", "refr_dir", "encb_dcen_cfg4", "enca_dcin_cfg5", "drv_enn",
        "enc_n_dco_cfg6", "sd_mode", "swcomp_in"};
    for (int i = 0; i < ioin.length; i++) {
      m.field("IOIN", ioin[i], i, 1);
    }
    m.field("IOIN", "version", 24, 8);
    m.field("LOST_STEPS", "lost_steps", 0, 20).field("MSCNT", "mscnt", 0, 10)
        .field("MSCURACT", "cur_a", 0, 9).field("MSCURACT", "cur_b", 16, 9);
    m.field("OTP_READ", "otp_fclktrim", 0, 5).field("OTP_READ", "otp_s2_level", 5, 1)
        .field("OTP_READ", "otp_bbm", 6, 1).field("OTP_READ", "otp_tbl", 7, 1);
    m.field("PWM_AUTO", "pwm_ofs_auto", 0, 8).field("PWM_AUTO", "pwm_grad_auto", 16, 8);
    m.field("PWMCONF", "pwm_ofs", 0, 8).field("PWMCONF", "pwm_grad", 8, 8)
        .field("PWMCONF", "pwm_freq", 16, 2).field("PWMCONF", "pwm_autoscale", 18, 1)
        .field("PWMCONF", "pwm_autograd", 19, 1).field("PWMCONF", "freewheel", 20, 2)
        .field("PWMCONF", "pwm_reg", 24, 4).field("PWMCONF", "pwm_lim", 28, 4);
    m.field("PWM_SCALE", "pwm_scale_sum", 0, 8).field("PWM_SCALE", "pwm_scale_auto", 16, 9);
    m.field("TPOWERDOWN", "tpowerdown", 0, 8).field("TPWMTHRS", "tpwmthrs", 0, 20)
        .field("TCOOLTHRS", "tcoolthrs", 0, 20).field("TSTEP", "tstep", 0, 20)
        .field("THIGH", "thigh", 0, 20);
    m.signed("cur_a", "cur_b", "sgt", "xactual", "vactual", "pwm_scale_auto");
    commonFormats(m);
    return m.format("s2vsa", v -> flag(v, "ShortToSupply_A!"))
        .format("s2vsb", v -> flag(v, "ShortToSupply_B!"));
  }

  static final java.util.List<String> TMC5160_READ = java.util.List.of("GCONF", "CHOPCONF",
      "GSTAT", "DRV_STATUS", "FACTORY_CONF", "IOIN", "LOST_STEPS", "MSCNT", "MSCURACT",
      "OTP_READ", "PWM_SCALE", "PWM_AUTO", "TSTEP");
}
