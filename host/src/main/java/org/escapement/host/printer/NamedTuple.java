package org.escapement.host.printer;

/**
 * A status value that is a sequence with named fields, like Python's namedtuple: macros read
 * {@code position[0]} or {@code position.x}. Printing it shows the Python form.
 */
public interface NamedTuple {
  /** The field's value, or null if it has no such field. */
  Object field(String name);

  /** Python's repr: {@code Coord(x=1.0, y=2.0, z=3.0, e=0.0)}. */
  String pyRepr();
}
