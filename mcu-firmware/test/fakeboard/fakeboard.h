// What the unit tests see of the fake board: a clock they set, recorded pin changes and
// sent blocks, and values for inputs and ADC channels.
#ifndef ESC_FAKEBOARD_H
#define ESC_FAKEBOARD_H

#include <stddef.h>
#include <stdint.h>

#define FAKE_PINS 128
#define FAKE_EVENTS_MAX 100000

struct fake_pin_event {
    uint32_t clock;
    uint16_t pin;
    uint16_t value;     // 0/1 for digital pins, the duty for PWM pins
};

extern uint32_t fake_now;
extern struct fake_pin_event fake_events[FAKE_EVENTS_MAX];
extern size_t fake_event_count;
extern uint8_t fake_level[FAKE_PINS], fake_input[FAKE_PINS];
extern uint16_t fake_adc[FAKE_PINS];
extern uint8_t fake_tx[1 << 16];
extern size_t fake_tx_len;

// Forget recorded events and output; pins keep their levels.
void fake_clear_records(void);
// Runs every timer due at or before until (each at its own waketime), then sets the clock.
void fake_run_until(uint32_t until);
// Timers run so far, for loop guards.
extern uint64_t fake_timer_runs;
// For the fuzzer: ticks each timer costs, the lateness that shuts down (0: none), and
// the most timers one fake_run_until() runs (0: no limit).
extern uint32_t fake_event_ticks, fake_late_limit;
extern uint64_t fake_max_events;

#endif
