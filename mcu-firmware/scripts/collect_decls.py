#!/usr/bin/env python3
"""Collects the firmware's declarations into its dispatch table and data dictionary.

Each source is first preprocessed with -DESC_SCAN, which turns every DECL_* macro,
sendf() and shutdown() into a marker `__esc_decl__(kind, ...)` (see src/core/decl.h).
This script reads those markers from the .i files and writes:

  gen/esc_generated.h   ids the C code needs at compile time (encoders, static strings)
  gen/esc_tables.c      the command table, the encoders, the init/task/shutdown lists and
                        the zlib-compressed dictionary served by `identify`
  escapement.dict       the same dictionary, uncompressed

Because only preprocessed text is read, a declaration under a disabled #if is left out,
so the dictionary describes exactly what was compiled.
"""
import argparse
import ast
import json
import operator
import os
import re
import sys
import zlib

MARKER = '__esc_decl__('
LINE_MARKER = re.compile(r'^# (\d+) "([^"]*)"', re.M)

# Parameter types: the C code in src/core/command.h uses the same numbers.
PARAM_TYPES = {
    '%u': 0, '%i': 1, '%hu': 2, '%hi': 3, '%c': 4,
    '%s': 5, '%*s': 6, '%.*s': 7,
}
PT_STRING, PT_BUFFER, PT_PROGMEM_BUFFER = 5, 6, 7


class DeclError(Exception):
    pass


def read_c_string(text, i):
    """Parses the C string literal starting at text[i] == '"'; returns (value, end)."""
    assert text[i] == '"'
    i += 1
    out = []
    while True:
        c = text[i]
        if c == '"':
            return ''.join(out), i + 1
        if c == '\\':
            n = text[i + 1]
            simple = {'n': '\n', 't': '\t', 'r': '\r', '\\': '\\', '"': '"', "'": "'",
                      '0': '\0', 'a': '\a', 'b': '\b', 'f': '\f', 'v': '\v', '?': '?'}
            if n == 'x':
                m = re.match(r'[0-9a-fA-F]+', text[i + 2:])
                out.append(chr(int(m.group(0), 16)))
                i += 2 + len(m.group(0))
                continue
            if n in '01234567':
                m = re.match(r'[0-7]{1,3}', text[i + 1:])
                out.append(chr(int(m.group(0), 8)))
                i += 1 + len(m.group(0))
                continue
            out.append(simple[n])
            i += 2
            continue
        out.append(c)
        i += 1


def split_args(text, start):
    """Splits the argument list that begins after '__esc_decl__(' at text[start].

    Returns (args, end) where each arg is ('str', value) for (adjacent) string literals
    or ('expr', text) otherwise.
    """
    args, parts, depth, i = [], [], 0, start
    current_str, current_expr = None, []

    def finish():
        if current_str is not None and not ''.join(current_expr).strip():
            args.append(('str', current_str))
        else:
            args.append(('expr', ''.join(current_expr).strip()))

    while True:
        c = text[i]
        if c == '"':
            value, i = read_c_string(text, i)
            current_str = (current_str or '') + value
            continue
        if c == "'":
            m = re.match(r"'(\\.|[^'\\])*'", text[i:])
            current_expr.append(m.group(0))
            i += len(m.group(0))
            continue
        if c in '([{':
            depth += 1
        elif c in ')]}':
            if depth == 0:
                finish()
                return args, i + 1
            depth -= 1
        elif c == ',' and depth == 0:
            finish()
            current_str, current_expr = None, []
            i += 1
            continue
        current_expr.append(c)
        i += 1


_BINOPS = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
           ast.FloorDiv: operator.floordiv, ast.Div: operator.floordiv,
           ast.LShift: operator.lshift, ast.RShift: operator.rshift,
           ast.BitOr: operator.or_, ast.BitAnd: operator.and_, ast.BitXor: operator.xor,
           ast.Mod: operator.mod}


def eval_int(expr):
    """Evaluates a constant integer expression as the preprocessor left it."""
    cleaned = re.sub(r'\b(0[xX][0-9a-fA-F]+|\d+)[uUlL]*\b', r'\1', expr)
    cleaned = re.sub(r'\(\s*(?:unsigned|signed|long|int|uint\d+_t|int\d+_t|\s)+\)', '', cleaned)
    cleaned = cleaned.replace('/', '//').replace('////', '//')

    def ev(node):
        if isinstance(node, ast.Expression):
            return ev(node.body)
        if isinstance(node, ast.Constant) and isinstance(node.value, int):
            return node.value
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd, ast.Invert)):
            v = ev(node.operand)
            return -v if isinstance(node.op, ast.USub) else (~v if isinstance(node.op, ast.Invert) else v)
        if isinstance(node, ast.BinOp) and type(node.op) in _BINOPS:
            return _BINOPS[type(node.op)](ev(node.left), ev(node.right))
        raise DeclError('not a constant integer expression: %r' % expr)
    try:
        return ev(ast.parse(cleaned.strip(), mode='eval'))
    except SyntaxError:
        raise DeclError('not a constant integer expression: %r' % expr)


def parse_format(fmt, where):
    """'queue_step oid=%c interval=%u' -> (name, [type codes])."""
    words = fmt.split()
    if not words or not re.match(r'^[A-Za-z_][A-Za-z0-9_]*$', words[0]):
        raise DeclError('%s: bad message format %r' % (where, fmt))
    types = []
    for w in words[1:]:
        m = re.match(r'^([A-Za-z_][A-Za-z0-9_]*)=(%[^ ]+)$', w)
        if not m or m.group(2) not in PARAM_TYPES:
            raise DeclError('%s: bad parameter %r in %r' % (where, w, fmt))
        types.append(PARAM_TYPES[m.group(2)])
    return words[0], types


def encoded_id_bytes(msgid):
    """The MCU's 1-or-2 byte encoding of a message id."""
    if msgid < 0x80:
        return [msgid]
    return [0x80 | (msgid >> 7), msgid & 0x7f]


def dictionary_id(msgid):
    """The dictionary stores the signed VLQ reading of the id's bytes (96..127 -> -32..-1)."""
    b = encoded_id_bytes(msgid)
    v = b[0] & 0x7f
    if (b[0] & 0x60) == 0x60:
        v -= 0x80
    for c in b[1:]:
        v = (v << 7) | (c & 0x7f)
    return v


def c_string(s):
    out = ['"']
    for ch in s.encode('utf-8'):
        c = chr(ch)
        if c in '\\"':
            out.append('\\' + c)
        elif 32 <= ch < 127 and c != '?':
            out.append(c)
        else:
            out.append('\\%03o' % ch)
    out.append('"')
    return ''.join(out)


class Collector:
    def __init__(self):
        self.commands = []          # (fmt, func, flags, where)
        self.responses = []         # fmt in first-seen order
        self.static_strings = []    # in first-seen order
        self.constants = {}         # name -> value
        self.enumerations = {}      # enum -> {name: value or [start, count]}
        self.inits, self.tasks, self.shutdowns = [], [], []

    def add(self, kind, args, where):
        def want(n):
            if len(args) != n:
                raise DeclError('%s: %s takes %d arguments, got %d' % (where, kind, n, len(args)))

        def string(a):
            if a[0] != 'str':
                raise DeclError('%s: %s needs a string literal, got %r' % (where, kind, a[1]))
            return a[1]

        def ident(a):
            if a[0] != 'expr' or not re.match(r'^[A-Za-z_]\w*$', a[1]):
                raise DeclError('%s: %s needs a function name, got %r' % (where, kind, a[1]))
            return a[1]

        if kind == 'command':
            want(3)
            fmt = string(args[2])
            if any(c[0] == fmt for c in self.commands):
                raise DeclError('%s: command %r declared twice' % (where, fmt))
            self.commands.append((fmt, ident(args[0]), eval_int(args[1][1]), where))
        elif kind == 'response':
            want(1)
            fmt = string(args[0])
            if fmt not in self.responses:
                self.responses.append(fmt)
        elif kind == 'static_string':
            want(1)
            s = string(args[0])
            if s not in self.static_strings:
                self.static_strings.append(s)
        elif kind in ('constant', 'constant_str'):
            want(2)
            name = string(args[0])
            value = string(args[1]) if kind == 'constant_str' else eval_int(args[1][1])
            if name in self.constants and self.constants[name] != value:
                raise DeclError('%s: constant %s declared with two values' % (where, name))
            self.constants[name] = value
        elif kind in ('enumeration', 'enumeration_range'):
            want(3 if kind == 'enumeration' else 4)
            enum, name = string(args[0]), string(args[1])
            if kind == 'enumeration':
                value = eval_int(args[2][1])
            else:
                value = [eval_int(args[2][1]), eval_int(args[3][1])]
            self.enumerations.setdefault(enum, {})[name] = value
        elif kind in ('init', 'task', 'shutdown'):
            want(1)
            lst = {'init': self.inits, 'task': self.tasks, 'shutdown': self.shutdowns}[kind]
            func = ident(args[0])
            if func not in lst:
                lst.append(func)
        else:
            raise DeclError('%s: unknown declaration kind %r' % (where, kind))

    def scan(self, path):
        text = open(path, encoding='utf-8', errors='replace').read()
        pos = 0
        source, line_base, line_pos = path, 1, 0
        while True:
            i = text.find(MARKER, pos)
            if i < 0:
                return
            # Track the preprocessor's line markers so errors name the real source line.
            last = None
            for m in LINE_MARKER.finditer(text, line_pos, i):
                last = m
            if last:
                line_base, source, line_pos = int(last.group(1)), last.group(2), last.end()
            line = line_base + text.count('\n', line_pos, i) - 1
            where = '%s:%d' % (source, line)
            args, pos = split_args(text, i + len(MARKER))
            if not args or args[0][0] != 'expr':
                raise DeclError('%s: malformed declaration' % where)
            self.add(args[0][1], args[1:], where)


def build(col, version, build_versions):
    # Message ids: identify_response 0 and identify 1 are fixed, then commands, then responses.
    ids = {}
    ids[('response', 'identify_response offset=%u data=%.*s')] = 0
    ids[('command', 'identify offset=%u count=%c')] = 1
    if 'identify_response offset=%u data=%.*s' not in col.responses:
        raise DeclError('identify_response is never sent')
    if not any(c[0] == 'identify offset=%u count=%c' for c in col.commands):
        raise DeclError('identify is not declared')
    next_id = 2
    for fmt, _, _, _ in col.commands:
        if ('command', fmt) not in ids:
            ids[('command', fmt)] = next_id
            next_id += 1
    for fmt in col.responses:
        if ('response', fmt) not in ids:
            ids[('response', fmt)] = next_id
            next_id += 1
    if next_id > 0x3000:
        raise DeclError('too many messages')
    names = {}
    for (kind, fmt) in ids:
        name = fmt.split()[0]
        if name in names and names[name] != kind:
            raise DeclError('%r is both a command and a response' % name)
        names[name] = kind

    enums = {k: dict(v) for k, v in col.enumerations.items()}
    if col.static_strings:
        enums['static_string_id'] = {s: n + 1 for n, s in enumerate(col.static_strings)}
    dictionary = {
        'app': 'Escapement',
        'build_versions': build_versions,
        'commands': {fmt: dictionary_id(i) for (k, fmt), i in ids.items() if k == 'command'},
        'config': col.constants,
        'enumerations': enums,
        'responses': {fmt: dictionary_id(i) for (k, fmt), i in ids.items() if k == 'response'},
        'version': version,
    }
    return ids, dictionary


def write_if_changed(path, data):
    mode = 'wb' if isinstance(data, bytes) else 'w'
    try:
        with open(path, 'rb' if mode == 'wb' else 'r') as f:
            if f.read() == data:
                return
    except OSError:
        pass
    tmp = path + '.tmp'
    with open(tmp, mode) as f:
        f.write(data)
    os.replace(tmp, path)


def generate(col, ids, dictionary, gen_dir, dict_path):
    json_text = json.dumps(dictionary, separators=(',', ':'), sort_keys=True)
    compressed = zlib.compress(json_text.encode('utf-8'), 9)

    commands = []   # (id, fmt, func, flags, types)
    for fmt, func, flags, where in col.commands:
        _, types = parse_format(fmt, where)
        commands.append((ids[('command', fmt)], fmt, func, flags, types))
    commands.sort()
    responses = []
    for fmt in col.responses:
        _, types = parse_format(fmt, 'response')
        responses.append((ids[('response', fmt)], fmt, types))

    def num_args(types):
        return sum(2 if t >= PT_STRING else 1 for t in types)

    max_args = max([num_args(t) for _, _, _, _, t in commands] + [1])
    max_response_params = max([len(t) for _, _, t in responses] + [1])

    h = ['// Generated by scripts/collect_decls.py from the declarations in the sources.',
         '// Do not edit; change the DECL_* / sendf / shutdown lines instead.',
         '#ifndef ESC_GENERATED_H', '#define ESC_GENERATED_H', '',
         '#define ESC_MAX_COMMAND_ARGS %d' % max_args,
         '#define ESC_MAX_RESPONSE_PARAMS %d' % max_response_params,
         '#define ESC_COMMAND_ID_LIMIT %d' % (max([c[0] for c in commands]) + 1),
         '#define ESC_IDENTIFY_SIZE %d' % len(compressed),
         '#define ESC_STATIC_STRING_COUNT %d' % len(col.static_strings), '']
    # sendf("fmt", ...) and shutdown("text") resolve to constants at compile time: the
    # compiler folds __builtin_strcmp of two literals. A text that was not collected
    # falls through to a function that is never defined, so the link fails loudly.
    h.append('#define ESC_ENCODER_FOR(fmt) ( \\')
    for n, (_, fmt, _) in enumerate(responses):
        h.append('    !__builtin_strcmp((fmt), %s) ? &esc_encoders[%d] : \\' % (c_string(fmt), n))
    h.append('    esc_undeclared_response())')
    h.append('#define ESC_STATIC_STRING_FOR(text) ( \\')
    for n, s in enumerate(col.static_strings):
        h.append('    !__builtin_strcmp((text), %s) ? %d : \\' % (c_string(s), n + 1))
    h.append('    esc_undeclared_static_string())')
    h += ['',
          'extern const FLASH struct command_encoder esc_encoders[];',
          'extern const FLASH struct command_parser esc_commands[];',
          'extern const FLASH uint8_t esc_identify_data[];',
          'extern const char *const esc_static_strings[];',
          'const FLASH struct command_encoder *esc_undeclared_response(void);',
          'uint8_t esc_undeclared_static_string(void);',
          'void esc_run_init(void);',
          'void esc_run_tasks(void);',
          'void esc_run_shutdown(void);',
          '', '#endif', '']

    c = ['// Generated by scripts/collect_decls.py from the declarations in the sources.',
         '// Do not edit.',
         '#include "command.h"', '']
    for func in sorted(set(f for _, _, f, _, _ in commands)):
        c.append('void %s(uint32_t *args);' % func)
    for func in col.inits + col.tasks + col.shutdowns:
        c.append('void %s(void);' % func)
    c.append('')
    for n, (_, fmt, func, flags, types) in enumerate(commands):
        c.append('static const FLASH uint8_t command_types_%d[] = { %s };'
                 % (n, ', '.join(str(t) for t in types) or '0'))
    for n, (_, fmt, types) in enumerate(responses):
        c.append('static const FLASH uint8_t response_types_%d[] = { %s };'
                 % (n, ', '.join(str(t) for t in types) or '0'))
    c += ['', 'const FLASH struct command_parser esc_commands[] = {']
    for n, (msgid, fmt, func, flags, types) in enumerate(commands):
        c.append('    [%d] = { // %s' % (msgid, fmt))
        c.append('        .func = %s, .param_types = command_types_%d,' % (func, n))
        c.append('        .num_params = %d, .num_args = %d, .flags = %d },'
                 % (len(types), num_args(types), flags))
    c += ['};', '', 'const FLASH struct command_encoder esc_encoders[] = {']
    for n, (msgid, fmt, types) in enumerate(responses):
        c.append('    { .msgid = %d, .num_params = %d, .param_types = response_types_%d }, // %s'
                 % (msgid, len(types), n, fmt))
    c += ['};', '']
    c.append('// The data dictionary, zlib-compressed (%d bytes of JSON).' % len(json_text))
    c.append('const FLASH uint8_t esc_identify_data[] = {')
    for i in range(0, len(compressed), 16):
        c.append('    ' + ', '.join('0x%02x' % b for b in compressed[i:i + 16]) + ',')
    c += ['};', '']
    c.append('// Reason texts, for boards that can print them (the sim logs its shutdowns).')
    c.append('const char *const esc_static_strings[] = {')
    c.append('    0,')
    for s in col.static_strings:
        c.append('    %s,' % c_string(s))
    c += ['};', '']
    for name, lst in (('init', col.inits), ('tasks', col.tasks), ('shutdown', col.shutdowns)):
        c.append('void esc_run_%s(void)' % name)
        c.append('{')
        for func in lst:
            c.append('    %s();' % func)
        c += ['}', '']

    os.makedirs(gen_dir, exist_ok=True)
    write_if_changed(os.path.join(gen_dir, 'esc_generated.h'), '\n'.join(h))
    write_if_changed(os.path.join(gen_dir, 'esc_tables.c'), '\n'.join(c))
    write_if_changed(dict_path, json_text)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--gen-dir', required=True)
    ap.add_argument('--dict', required=True)
    ap.add_argument('--version', default='unknown')
    ap.add_argument('--build-versions', default='')
    ap.add_argument('sources', nargs='+', help='preprocessed sources (.i)')
    args = ap.parse_args()
    col = Collector()
    try:
        for path in args.sources:
            col.scan(path)
        ids, dictionary = build(col, args.version, args.build_versions)
        generate(col, ids, dictionary, args.gen_dir, args.dict)
    except DeclError as e:
        sys.stderr.write('collect_decls: %s\n' % e)
        sys.exit(1)


if __name__ == '__main__':
    main()
