#!/usr/bin/env python3
"""Writes starting inputs for the fuzzer (record format: test/fuzz/fuzz_command.c) that
configure and drive the firmware the way a host does, using the build's dictionary so the
message ids are right."""
import json
import os
import sys


def vlq(v):
    v &= 0xffffffff
    sv = v - (1 << 32) if v & 0x80000000 else v
    for n, (lo, hi) in enumerate(((-32, 96), (-4096, 12288), (-524288, 1572864),
                                  (-67108864, 201326592))):
        if lo <= sv < hi:
            break
    else:
        n = 4
    out = [((v >> (7 * k)) & 0x7f) | 0x80 for k in range(n, 0, -1)]
    if n == 4:
        out[0] = ((sv >> 28) | 0x80) & 0xff
    return bytes(out + [v & 0x7f])


def encode(commands, text):
    name, *params = text.split()
    fmt = next(f for f in commands if f.split()[0] == name)
    values = dict(p.split('=') for p in params)
    out = vlq(commands[fmt])
    for p in fmt.split()[1:]:
        key, kind = p.split('=')
        if kind.endswith('s'):
            raw = bytes.fromhex(values[key])
            out += bytes([len(raw)]) + raw
        else:
            out += vlq(int(values[key], 0))
    return out


def framed(payload):
    return bytes([0x40 | len(payload)]) + payload


def wait(n):
    return bytes([0xc0 | n])


SCRIPTS = {
    'identify': ['identify offset=0 count=40', 'identify offset=40 count=40', 'get_config',
                 'get_clock', 'get_uptime', 'debug_ping data=00ff7e'],
    'stepper': ['allocate_oids count=4',
                'config_stepper oid=0 step_pin=1 dir_pin=2 invert_step=0 step_pulse_ticks=100',
                'config_stepper oid=1 step_pin=3 dir_pin=4 invert_step=-1 step_pulse_ticks=0',
                'config_trsync oid=2', 'config_endstop oid=3 pin=5 pull_up=1',
                'finalize_config crc=0', 'reset_step_clock oid=0 clock=1100000',
                'set_next_step_dir oid=0 dir=1',
                'queue_step oid=0 interval=2000 count=20 add=5',
                'reset_step_clock oid=1 clock=1100000',
                'queue_step oid=1 interval=300 count=40 add=-2', 'WAIT',
                'stepper_get_position oid=0',
                'trsync_start oid=2 report_clock=1500000 report_ticks=100000 expire_reason=4',
                'stepper_stop_on_trigger oid=0 trsync_oid=2',
                'trsync_set_timeout oid=2 clock=3000000',
                'endstop_home oid=3 clock=1500000 sample_ticks=100 sample_count=4'
                ' rest_ticks=1000 pin_value=1 trsync_oid=2 trigger_reason=1', 'WAIT',
                'endstop_query_state oid=3', 'trsync_trigger oid=2 reason=2'],
    'outputs': ['allocate_oids count=3',
                'config_digital_out oid=0 pin=6 value=0 default_value=0 max_duration=150000000',
                'set_digital_out_pwm_cycle oid=0 cycle_ticks=5000000',
                'config_analog_in oid=1 pin=7',
                'config_pwm_out oid=2 pin=8 cycle_ticks=1000 value=0 default_value=0'
                ' max_duration=150000000', 'finalize_config crc=0',
                'queue_digital_out oid=0 clock=1200000 on_ticks=2000000',
                'query_analog_in oid=1 clock=1200000 sample_ticks=1000 sample_count=4'
                ' rest_ticks=300000 bytes_per_report=8 min_value=0 max_value=16000'
                ' range_check_count=4',
                'queue_pwm_out oid=2 clock=1300000 value=100', 'WAIT',
                'update_digital_out oid=0 value=1', 'emergency_stop', 'clear_shutdown'],
}


def main():
    dictionary, out = sys.argv[1:3]
    commands = json.load(open(dictionary))['commands']
    os.makedirs(out, exist_ok=True)
    for name, script in SCRIPTS.items():
        data = b''
        for line in script:
            data += wait(60) if line == 'WAIT' else framed(encode(commands, line))
        with open(os.path.join(out, name), 'wb') as f:
            f.write(data)


if __name__ == '__main__':
    main()
