package org.escapement.host.motion.steps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;

/**
 * Shaping moves the toolhead differently but never elsewhere: for every shaper, a path of
 * random moves ends where it ends unshaped (total displacement kept) and a long cruise at
 * constant velocity is neither delayed nor bent (the centred convolution of a straight line
 * is the line).
 */
class ShapingPropertiesTest {
  @Provide
  Arbitrary<String> shaperTypes() {
    return Arbitraries.of(Shapers.TYPES.stream().map(Shapers.Type::name).toList());
  }

  static Shapers.Shaper shaper(String type, double freq, double damping) {
    double max = Shapers.type(type).maxDampingRatio();
    return Shapers.create(type, freq, Math.min(damping, max));
  }

  @Property(tries = 200)
  void shapingKeepsTheTotalDisplacement(@ForAll("shaperTypes") String type,
      @ForAll @DoubleRange(min = 20, max = 90) double freq,
      @ForAll @DoubleRange(min = 0, max = 0.2) double damping,
      @ForAll @IntRange(min = 1, max = 5) int moves,
      @ForAll("targets") List<Double> targets) {
    ShapedPaths path = new ShapedPaths();
    double startX = 0;
    for (int i = 0; i < moves; i++) {
      double delta = targets.get(i % targets.size());
      if (Math.abs(delta) < 0.5) {
        delta += 1; // a move goes somewhere
      }
      path.moveTo(path.x + delta, 0, 30 + 20 * i, 1000 + 700 * i);
    }
    StepperKinematics k = ShapedPaths.xStepper(shaper(type, freq, damping));
    double reach = Math.max(k.genStepsPreActive(), k.genStepsPostActive());
    assertThat(path.position(k, path.start - reach - 1e-3)).as("before")
        .isCloseTo(startX, within(1e-9));
    assertThat(path.position(k, path.time + reach + 1e-3)).as("after")
        .isCloseTo(path.x, within(1e-9));
  }

  @Provide
  Arbitrary<List<Double>> targets() {
    return Arbitraries.doubles().between(-100, 100).list().ofMinSize(1).ofMaxSize(5);
  }

  @Property(tries = 200)
  void constantVelocityIsNotDelayed(@ForAll("shaperTypes") String type,
      @ForAll @DoubleRange(min = 20, max = 90) double freq,
      @ForAll @DoubleRange(min = 0, max = 0.2) double damping,
      @ForAll @DoubleRange(min = 20, max = 300) double velocity,
      @ForAll @DoubleRange(min = 0.05, max = 0.95) double where) {
    // Accelerate to velocity within 0.05 s, then cruise for at least 0.5 s.
    ShapedPaths path = new ShapedPaths().moveTo(velocity * 0.6, 0, velocity, velocity * 20);
    StepperKinematics shaped = ShapedPaths.xStepper(shaper(type, freq, damping));
    StepperKinematics plain = ShapedPaths.xStepper(null);
    double reach = Math.max(shaped.genStepsPreActive(), shaped.genStepsPostActive());
    double cruiseStart = path.start + 0.05 + reach;
    double cruiseEnd = path.time - 0.05 - reach;
    double t = cruiseStart + where * (cruiseEnd - cruiseStart);
    assertThat(path.position(shaped, t)).isCloseTo(path.position(plain, t), within(1e-9));
  }
}
