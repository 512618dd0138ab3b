package org.escapement.host.leveling;

import org.escapement.host.gcode.GCodeError;

/**
 * Cuts a move over a mesh into pieces: every {@code move_check_distance} along the move the
 * mesh height is looked up, and where it differs from the last piece's by
 * {@code split_delta_z} or more a piece ends there, at that height. The last piece ends at
 * the move's end, at the height there.
 */
final class MoveSplitter {
  private final double splitDeltaZ;
  private final double moveCheckDistance;
  private ZMesh mesh;
  private double fadeOffset;
  private double[] prevPos;
  private double[] nextPos;
  private double[] currentPos;
  private double zFactor;
  private double zOffset;
  private boolean traverseComplete;
  private double distanceChecked;
  private double totalMoveLength;
  private boolean[] axisMove;

  MoveSplitter(double splitDeltaZ, double moveCheckDistance) {
    this.splitDeltaZ = splitDeltaZ;
    this.moveCheckDistance = moveCheckDistance;
  }

  void initialize(ZMesh mesh, double fadeOffset) {
    this.mesh = mesh;
    this.fadeOffset = fadeOffset;
  }

  void buildMove(double[] prev, double[] next, double factor) {
    prevPos = prev.clone();
    nextPos = next.clone();
    currentPos = prev.clone();
    zFactor = factor;
    zOffset = calcZOffset(prev);
    traverseComplete = false;
    distanceChecked = 0;
    double sum = 0;
    axisMove = new boolean[nextPos.length];
    for (int i = 0; i < nextPos.length; i++) {
      double d = nextPos[i] - prevPos[i];
      if (i < 3) {
        sum += d * d;
      }
      axisMove[i] = Math.abs(d) > 1e-10;
    }
    totalMoveLength = Math.sqrt(sum);
  }

  boolean traverseComplete() {
    return traverseComplete;
  }

  private double calcZOffset(double[] pos) {
    double z = mesh.calcZ(pos[0], pos[1]);
    return zFactor * (z - fadeOffset) + fadeOffset;
  }

  private void setNextMove(double distanceFromPrev) {
    double t = distanceFromPrev / totalMoveLength;
    if (t > 1. || t < 0.) {
      throw new GCodeError("bed_mesh: Slice distance is negative or greater than entire move"
          + " length");
    }
    for (int i = 0; i < nextPos.length; i++) {
      if (axisMove[i]) {
        currentPos[i] = ZMesh.lerp(t, prevPos[i], nextPos[i]);
      }
    }
  }

  /** The next piece's end position (Z adjusted), or null once the move is done. */
  double[] split() {
    if (traverseComplete) {
      return null;
    }
    if (axisMove[0] || axisMove[1]) {
      while (distanceChecked + moveCheckDistance < totalMoveLength) {
        distanceChecked += moveCheckDistance;
        setNextMove(distanceChecked);
        double nextZ = calcZOffset(currentPos);
        if (Math.abs(nextZ - zOffset) >= splitDeltaZ) {
          zOffset = nextZ;
          double[] newPos = currentPos.clone();
          newPos[2] += zOffset;
          return newPos;
        }
      }
    }
    currentPos = nextPos.clone();
    zOffset = calcZOffset(currentPos);
    currentPos[2] += zOffset;
    traverseComplete = true;
    return currentPos;
  }
}
