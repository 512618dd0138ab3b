#!/usr/bin/env python3
"""Turns a Kconfig .config into autoconf.h (for C) and config.mk (for make).

Every bool the Kconfig files declare is defined, as 1 or 0, so C code can write
`if (CONFIG_X)` and `#if CONFIG_X` alike; a bool that is missing from .config (its
dependencies are off) is 0.
"""
import re
import sys


def kconfig_bools(paths):
    """Names of all bool symbols declared in the Kconfig files (sources followed)."""
    names, seen, todo = set(), set(), list(paths)
    while todo:
        path = todo.pop()
        if path in seen:
            continue
        seen.add(path)
        current = None
        with open(path) as f:
            for line in f:
                s = line.strip()
                m = re.match(r'source\s+"([^"]+)"', s)
                if m:
                    todo.append(m.group(1))
                    continue
                m = re.match(r'(?:menu)?config\s+(\w+)$', s)
                if m:
                    current = m.group(1)
                    continue
                if current and re.match(r'bool\b', s):
                    names.add(current)
    return names


def main():
    config_path, kconfig_path, header_path, mk_path = sys.argv[1:5]
    values = {}
    with open(config_path) as f:
        for line in f:
            line = line.strip()
            m = re.match(r'CONFIG_(\w+)=(.*)$', line)
            if m:
                values[m.group(1)] = m.group(2)
                continue
            m = re.match(r'# CONFIG_(\w+) is not set$', line)
            if m:
                values[m.group(1)] = 'n'
    for name in kconfig_bools([kconfig_path]):
        values.setdefault(name, 'n')
    header = ['// Generated from %s by scripts/config2header.py. Do not edit.' % config_path,
              '#ifndef ESC_AUTOCONF_H', '#define ESC_AUTOCONF_H']
    mk = ['# Generated from %s by scripts/config2header.py. Do not edit.' % config_path]
    for name in sorted(values):
        v = values[name]
        if v == 'y':
            header.append('#define CONFIG_%s 1' % name)
            mk.append('CONFIG_%s := y' % name)
        elif v == 'n':
            header.append('#define CONFIG_%s 0' % name)
            mk.append('CONFIG_%s :=' % name)
        else:
            header.append('#define CONFIG_%s %s' % (name, v))
            mk.append('CONFIG_%s := %s' % (name, v[1:-1] if v.startswith('"') else v))
    header.append('#endif')
    for path, lines in ((header_path, header), (mk_path, mk)):
        text = '\n'.join(lines) + '\n'
        try:
            with open(path) as f:
                if f.read() == text:
                    continue
        except OSError:
            pass
        with open(path, 'w') as f:
            f.write(text)


if __name__ == '__main__':
    main()
