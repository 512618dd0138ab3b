package org.escapement.host.gcode.template;

import java.beans.FeatureDescriptor;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import jinjava.javax.el.ELContext;
import jinjava.javax.el.ELResolver;
import org.escapement.host.printer.NamedTuple;

/**
 * Python's string methods on template strings ({@code rawparams.split(';', 1)[0]}, {@code
 * name.lower()}, {@code s.startswith('G')}), with Python's meaning: Java's own methods of the
 * same name differ (split takes a regex and a different limit) or do not exist.
 */
final class PyStringResolver extends ELResolver {
  @Override
  public Object invoke(ELContext context, Object base, Object method, Class<?>[] types,
      Object[] params) {
    if (!(base instanceof String s) || method == null) {
      return null;
    }
    Object[] a = params == null ? new Object[0] : params;
    Object result;
    try {
      result = call(s, method.toString(), a);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("str." + method + "(): " + e.getMessage(), e);
    }
    if (result != NOT_MINE) {
      context.setPropertyResolved(true);
    }
    return result == NOT_MINE ? null : result;
  }

  private static final Object NOT_MINE = new Object();

  private static String arg(Object[] a, int i) {
    return a.length > i && a[i] != null ? PyRepr.str(a[i]) : null;
  }

  private static int intArg(Object[] a, int i, int fallback) {
    return a.length > i && a[i] instanceof Number n ? n.intValue() : fallback;
  }

  private static Object call(String s, String name, Object[] a) {
    return switch (name) {
      case "lower" -> s.toLowerCase(Locale.ROOT);
      case "upper" -> s.toUpperCase(Locale.ROOT);
      case "strip" -> strip(s, arg(a, 0), true, true);
      case "lstrip" -> strip(s, arg(a, 0), true, false);
      case "rstrip" -> strip(s, arg(a, 0), false, true);
      case "split" -> split(s, arg(a, 0), intArg(a, 1, -1), false);
      case "rsplit" -> split(s, arg(a, 0), intArg(a, 1, -1), true);
      case "splitlines" -> List.of(s.split("\r\n|\n|\r"));
      case "startswith" -> s.startsWith(arg(a, 0));
      case "endswith" -> s.endsWith(arg(a, 0));
      case "replace" -> replace(s, arg(a, 0), arg(a, 1), intArg(a, 2, -1));
      case "find" -> s.indexOf(arg(a, 0));
      case "rfind" -> s.lastIndexOf(arg(a, 0));
      case "index" -> {
        int i = s.indexOf(arg(a, 0));
        if (i < 0) {
          throw new IllegalArgumentException("substring not found");
        }
        yield i;
      }
      case "count" -> {
        String sub = arg(a, 0);
        int n = 0;
        for (int i = s.indexOf(sub); i >= 0 && !sub.isEmpty(); i = s.indexOf(sub, i + sub.length())) {
          n++;
        }
        yield n;
      }
      case "join" -> {
        List<String> parts = new ArrayList<>();
        if (a.length > 0 && a[0] instanceof Iterable<?> it) {
          it.forEach(o -> parts.add(PyRepr.str(o)));
        }
        yield String.join(s, parts);
      }
      case "capitalize" -> s.isEmpty() ? s
          : s.substring(0, 1).toUpperCase(Locale.ROOT) + s.substring(1).toLowerCase(Locale.ROOT);
      case "title" -> title(s);
      case "isdigit", "isnumeric", "isdecimal" -> !s.isEmpty()
          && s.chars().allMatch(Character::isDigit);
      case "isalpha" -> !s.isEmpty() && s.chars().allMatch(Character::isLetter);
      case "isalnum" -> !s.isEmpty() && s.chars().allMatch(Character::isLetterOrDigit);
      case "isspace" -> !s.isEmpty() && s.chars().allMatch(Character::isWhitespace);
      case "islower" -> s.chars().anyMatch(Character::isLetter)
          && s.equals(s.toLowerCase(Locale.ROOT));
      case "isupper" -> s.chars().anyMatch(Character::isLetter)
          && s.equals(s.toUpperCase(Locale.ROOT));
      case "zfill" -> zfill(s, intArg(a, 0, 0));
      case "center", "ljust", "rjust" -> just(s, name, intArg(a, 0, 0),
          a.length > 1 ? arg(a, 1) : " ");
      case "format" -> PyStrFormat.format(s, a);
      default -> NOT_MINE;
    };
  }

  private static String strip(String s, String chars, boolean left, boolean right) {
    int b = 0;
    int e = s.length();
    while (left && b < e && (chars == null ? Character.isWhitespace(s.charAt(b))
        : chars.indexOf(s.charAt(b)) >= 0)) {
      b++;
    }
    while (right && e > b && (chars == null ? Character.isWhitespace(s.charAt(e - 1))
        : chars.indexOf(s.charAt(e - 1)) >= 0)) {
      e--;
    }
    return s.substring(b, e);
  }

  /** Python's str.split/rsplit: literal separator, at most maxsplit splits. */
  static List<String> split(String s, String sep, int maxsplit, boolean fromRight) {
    List<String> out = new ArrayList<>();
    if (sep == null) {
      String[] words = s.strip().isEmpty() ? new String[0] : s.strip().split("\\s+");
      if (maxsplit < 0 || words.length <= maxsplit + 1) {
        return List.of(words);
      }
      // Whitespace split with a limit: keep the rest as written.
      return fromRight ? splitWhitespaceRight(s, maxsplit) : splitWhitespaceLeft(s, maxsplit);
    }
    if (sep.isEmpty()) {
      throw new IllegalArgumentException("empty separator");
    }
    if (!fromRight) {
      int from = 0;
      while (maxsplit < 0 || out.size() < maxsplit) {
        int i = s.indexOf(sep, from);
        if (i < 0) {
          break;
        }
        out.add(s.substring(from, i));
        from = i + sep.length();
      }
      out.add(s.substring(from));
      return out;
    }
    int end = s.length();
    List<String> rev = new ArrayList<>();
    while (maxsplit < 0 || rev.size() < maxsplit) {
      int i = s.lastIndexOf(sep, end - sep.length());
      if (i < 0 || end - sep.length() < 0) {
        break;
      }
      rev.add(s.substring(i + sep.length(), end));
      end = i;
    }
    rev.add(s.substring(0, end));
    java.util.Collections.reverse(rev);
    return rev;
  }

  private static List<String> splitWhitespaceLeft(String s, int max) {
    List<String> out = new ArrayList<>();
    String rest = s.stripLeading();
    while (out.size() < max) {
      int i = 0;
      while (i < rest.length() && !Character.isWhitespace(rest.charAt(i))) {
        i++;
      }
      out.add(rest.substring(0, i));
      rest = rest.substring(i).stripLeading();
      if (rest.isEmpty()) {
        return out;
      }
    }
    out.add(rest);
    return out;
  }

  private static List<String> splitWhitespaceRight(String s, int max) {
    List<String> out = new ArrayList<>();
    String rest = s.stripTrailing();
    while (out.size() < max) {
      int i = rest.length();
      while (i > 0 && !Character.isWhitespace(rest.charAt(i - 1))) {
        i--;
      }
      out.add(0, rest.substring(i));
      rest = rest.substring(0, i).stripTrailing();
      if (rest.isEmpty()) {
        return out;
      }
    }
    out.add(0, rest);
    return out;
  }

  private static String replace(String s, String old, String with, int count) {
    if (count < 0) {
      return s.replace(old, with);
    }
    StringBuilder sb = new StringBuilder();
    int from = 0;
    for (int n = 0; n < count; n++) {
      int i = s.indexOf(old, from);
      if (i < 0) {
        break;
      }
      sb.append(s, from, i).append(with);
      from = i + old.length();
    }
    return sb.append(s.substring(from)).toString();
  }

  private static String title(String s) {
    StringBuilder sb = new StringBuilder();
    boolean start = true;
    for (char c : s.toCharArray()) {
      sb.append(start ? Character.toUpperCase(c) : Character.toLowerCase(c));
      start = !Character.isLetter(c);
    }
    return sb.toString();
  }

  private static String zfill(String s, int width) {
    if (s.length() >= width) {
      return s;
    }
    int sign = s.startsWith("-") || s.startsWith("+") ? 1 : 0;
    return s.substring(0, sign) + "0".repeat(width - s.length()) + s.substring(sign);
  }

  private static String just(String s, String how, int width, String fill) {
    int n = width - s.length();
    if (n <= 0) {
      return s;
    }
    return switch (how) {
      case "ljust" -> s + fill.repeat(n);
      case "rjust" -> fill.repeat(n) + s;
      default -> {
        int left = n / 2 + (n & width & 1); // Python's rounding for odd padding
        yield fill.repeat(left) + s + fill.repeat(n - left);
      }
    };
  }

  @Override
  public Object getValue(ELContext context, Object base, Object property) {
    // Named fields of sequences (position.x): the list resolver would only take indexes.
    if (namedTuple(base) instanceof NamedTuple t && property instanceof String name) {
      Object v = t.field(name);
      if (v != null) {
        context.setPropertyResolved(true);
        return v;
      }
    }
    return null;
  }

  /** The named tuple behind a value (Jinjava wraps lists it is given). */
  static Object namedTuple(Object v) {
    if (v instanceof com.hubspot.jinjava.objects.collections.PyList pl) {
      return pl.toList();
    }
    return v;
  }

  @Override
  public Class<?> getType(ELContext context, Object base, Object property) {
    return null;
  }

  @Override
  public void setValue(ELContext context, Object base, Object property, Object value) {}

  @Override
  public boolean isReadOnly(ELContext context, Object base, Object property) {
    return true;
  }

  @Override
  public Iterator<FeatureDescriptor> getFeatureDescriptors(ELContext context, Object base) {
    return null;
  }

  @Override
  public Class<?> getCommonPropertyType(ELContext context, Object base) {
    return base instanceof String ? Object.class : null;
  }
}
