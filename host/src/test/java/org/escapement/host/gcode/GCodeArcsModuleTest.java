package org.escapement.host.gcode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.escapement.host.modules.StandardModules;
import org.escapement.host.printer.HostSession;
import org.escapement.host.printer.Printer;
import org.escapement.host.printer.StartOptions;
import org.escapement.protocol.Shared;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** [gcode_arcs]: the straight moves G2/G3 become, on kinematics none (no range limits). */
class GCodeArcsModuleTest {
  @TempDir Path tmp;
  final List<double[]> moves = new ArrayList<>();
  final ByteArrayOutputStream replies = new ByteArrayOutputStream();

  /** Records every move G-code makes (after the arcs split them), then passes it on. */
  final class Recorder {
    Recorder(Printer printer) {
      printer.onEvent(Printer.Event.READY, () -> {
        GCodeMove gm = printer.lookupObject("gcode_move", GCodeMove.class);
        GCodeMove.MoveTransform[] next = new GCodeMove.MoveTransform[1];
        next[0] = gm.setMoveTransform(new GCodeMove.MoveTransform() {
          @Override
          public void move(double[] pos, double speed) {
            double[] m = java.util.Arrays.copyOf(pos, 5);
            m[4] = speed;
            moves.add(m);
            next[0].move(pos, speed);
          }

          @Override
          public double[] position() {
            return next[0].position();
          }
        }, false);
      });
    }
  }

  static final String CONFIG = """
      [mcu]
      serial: /dev/ttyACM0

      [printer]
      kinematics: none
      max_velocity: 300
      max_accel: 3000

      [extruder]
      step_pin: PA4
      dir_pin: PA6
      microsteps: 16
      rotation_distance: 33.5
      nozzle_diameter: 0.4
      filament_diameter: 1.75
      heater_pin: PB4
      sensor_type: EPCOS 100K B57560G104F
      sensor_pin: PK5
      control: watermark
      min_temp: 0
      max_temp: 250
      min_extrude_temp: 0
      max_extrude_only_distance: 1000
      max_extrude_cross_section: 1000

      """;

  int run(String arcsSection, String gcode) throws Exception {
    Path cfg = tmp.resolve("printer.cfg");
    Files.writeString(cfg, CONFIG + arcsSection + "\n");
    Path input = tmp.resolve("in.gcode");
    Files.writeString(input, gcode);
    StartOptions options = new StartOptions(cfg, input, tmp.resolve("out.serial"),
        Map.of("mcu", Shared.wire("atmega2560.dict")), 1.0, null, "test", tmp);
    var registry = StandardModules.registry().register("record_moves",
        (p, s) -> new Recorder(p));
    Files.writeString(cfg, Files.readString(cfg) + "[record_moves]\n");
    return new HostSession(options, registry, "test",
        new PrintStream(replies, true, StandardCharsets.UTF_8), InputStream.nullInputStream())
        .run();
  }

  String error() {
    return replies.toString(StandardCharsets.UTF_8).lines().filter(l -> l.startsWith("!! "))
        .findFirst().map(l -> l.substring(3)).orElse(null);
  }

  /** The moves after the first {@code skip} (the setup moves). */
  List<double[]> arcMoves(int skip) {
    return moves.subList(skip, moves.size());
  }

  static void assertOnCircle(List<double[]> pts, int a, int b, double ca, double cb, double r) {
    for (double[] p : pts) {
      assertThat(Math.hypot(p[a] - ca, p[b] - cb)).isCloseTo(r, within(1e-9));
    }
  }

  @Test
  void aQuarterCircleBecomesResolutionLongSegmentsOnTheCircle() throws Exception {
    assertThat(run("[gcode_arcs]", "G1 X20 Y10 F600\nG2 X30 Y0 I0 J-10\n")).isZero();
    List<double[]> arc = arcMoves(1);
    assertThat(arc).hasSize(15); // 15.7 mm of arc, 1 mm resolution
    assertOnCircle(arc, 0, 1, 20, 0, 10);
    assertThat(arc.get(14)).startsWith(30.0, 0.0);
    // Clockwise: the angle around the centre keeps decreasing.
    double last = Math.PI / 2;
    for (double[] p : arc) {
      double angle = Math.atan2(p[1], p[0] - 20);
      assertThat(angle).isLessThan(last);
      last = angle;
    }
  }

  @Test
  void resolutionSetsTheSegmentLength() throws Exception {
    assertThat(run("[gcode_arcs]\nresolution: 0.25", "G1 X20 Y10\nG2 X30 Y0 J-10\n"))
        .isZero();
    assertThat(arcMoves(1)).hasSize(62);
  }

  @Test
  void g3GoesTheOtherWayRoundAndSameStartAndEndIsAFullCircle() throws Exception {
    assertThat(run("[gcode_arcs]", "G1 X20 Y10\nG3 X30 Y0 J-10\nG1 X20 Y10\n"
        + "G2 X20 Y10 J-10\n")).isZero();
    List<double[]> ccw = moves.subList(1, 48);
    assertThat(ccw).hasSize(47); // three quarters of 62.8 mm
    assertOnCircle(ccw, 0, 1, 20, 0, 10);
    assertThat(ccw.get(0)[0]).isLessThan(20); // heading left from the top
    List<double[]> full = moves.subList(49, moves.size());
    assertThat(full).hasSize(62);
    assertOnCircle(full, 0, 1, 20, 0, 10);
    assertThat(full.get(61)).startsWith(20.0, 10.0);
  }

  @Test
  void aRadiusGivesTheShortArcAndANegativeOneTheLongArc() throws Exception {
    assertThat(run("[gcode_arcs]", "G1 X20 Y10\nG2 X30 Y0 R10\nG1 X20 Y10\n"
        + "G2 X30 Y0 R-10\n")).isZero();
    List<double[]> shortArc = moves.subList(1, 16);
    assertOnCircle(shortArc, 0, 1, 20, 0, 10);
    assertThat(shortArc.get(14)).startsWith(30.0, 0.0);
    List<double[]> longArc = moves.subList(17, moves.size());
    assertThat(longArc).hasSize(47);
    assertOnCircle(longArc, 0, 1, 30, 10, 10);
  }

  @Test
  void otherPlanesUseTheirOffsetsAndTheThirdAxisMakesAHelix() throws Exception {
    assertThat(run("[gcode_arcs]", "G1 X20 Y5 Z10\nG18\nG2 X30 Y15 Z0 I0 K-10\nG19\n"
        + "G1 X0 Y20 Z10\nG3 X4 Y30 Z0 J0 K-10\nG17\n")).isZero();
    List<double[]> xz = moves.subList(1, 19);
    assertThat(xz).hasSize(18); // hypot(15.7, 10) mm of helix
    assertOnCircle(xz, 0, 2, 20, 0, 10);
    for (int i = 0; i < xz.size(); i++) {
      assertThat(xz.get(i)[1]).isCloseTo(5 + 10.0 * (i + 1) / 18, within(1e-9));
    }
    List<double[]> yz = moves.subList(20, moves.size());
    assertOnCircle(yz, 1, 2, 20, 0, 10);
    assertThat(yz.get(yz.size() - 1)).startsWith(4.0, 30.0, 0.0);
  }

  @Test
  void extrusionIsSpreadEvenlyInAbsoluteAndRelativeModes() throws Exception {
    assertThat(run("[gcode_arcs]", "G1 X20 Y10 E1\nG2 X30 Y0 J-10 E2.5\nM83\n"
        + "G1 X20 Y10\nG2 X30 Y0 J-10 E1.5\n")).isZero();
    List<double[]> abs = moves.subList(1, 16);
    List<double[]> rel = moves.subList(17, 32);
    for (int i = 0; i < 15; i++) {
      assertThat(abs.get(i)[3]).isCloseTo(1 + 1.5 * (i + 1) / 15, within(1e-9));
      assertThat(rel.get(i)[3]).isCloseTo(2.5 + 1.5 * (i + 1) / 15, within(1e-9));
    }
  }

  @Test
  void relativeModeEndPointsAreFromTheStart() throws Exception {
    assertThat(run("[gcode_arcs]", "G1 X20 Y10 F600\nG91\nG2 X10 Y-10 J-10 E3 F1200\n"))
        .isZero();
    List<double[]> arc = arcMoves(1);
    assertThat(arc).hasSize(15);
    assertOnCircle(arc.subList(0, 14), 0, 1, 20, 0, 10);
    assertThat(arc.get(14)[0]).isCloseTo(30, within(1e-9));
    assertThat(arc.get(14)[1]).isCloseTo(0, within(1e-9));
    assertThat(arc.get(14)[3]).isCloseTo(3, within(1e-9));
    assertThat(arc.get(0)[4]).isEqualTo(20.0); // F1200 mm/min
  }

  @Test
  void arcsWithoutACentreOrWithAnImpossibleRadiusAreRefused() throws Exception {
    assertThat(run("[gcode_arcs]", "G2 X10 Y10\n")).isEqualTo(1);
    assertThat(error()).isEqualTo("G2/G3 requires IJ, IK or JK parameters");
    assertThat(moves).isEmpty();
  }

  @Test
  void aRadiusShorterThanHalfTheChordIsRefused() throws Exception {
    run("[gcode_arcs]", "G2 X10 Y0 R4.9\n");
    assertThat(error()).isEqualTo("G2/G3 radius 4.900 is too small: the end point is 10.000"
        + " mm away");
    assertThat(moves).isEmpty();
  }

  @Test
  void radiusAndCentreTogetherAreRefused() throws Exception {
    run("[gcode_arcs]", "G2 X10 Y0 R5 I5\n");
    assertThat(error()).isEqualTo("G2/G3 takes either R or IJ parameters, not both");
  }

  @Test
  void aFullCircleNeedsACentre() throws Exception {
    run("[gcode_arcs]", "G2 X0 Y0 R5\n");
    assertThat(error()).startsWith("G2/G3 with R cannot make a full circle");
  }

  @Test
  void aMalformedNumberIsRefused() throws Exception {
    run("[gcode_arcs]", "G2 X10 Y0 I1.2.3\n");
    assertThat(error()).isEqualTo("Error on 'G2 X10 Y0 I1.2.3': unable to parse 1.2.3");
    assertThat(moves).isEmpty();
  }

  @Test
  void resolutionMustBePositive() throws Exception {
    run("[gcode_arcs]\nresolution: 0", "");
    assertThat(error()).startsWith("Option 'resolution' in section 'gcode_arcs' must be"
        + " above 0");
  }
}
