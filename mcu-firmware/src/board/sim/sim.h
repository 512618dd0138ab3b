// Shared by the simulated MCU's files: its clock, the trace and the physical model.
#ifndef ESC_SIM_H
#define ESC_SIM_H

#include <stddef.h>
#include <stdint.h>

// ---- Clock (main.c) ----
// The 64-bit simulated clock: CLOCK_MONOTONIC since start, times CONFIG_CLOCK_FREQ, times
// the --speed factor.
uint64_t sim_now(void);
// The clock of what is happening: a timer's own waketime while it runs (the simulated CPU
// is infinitely fast, so every event happens exactly when it was scheduled), else now.
uint64_t sim_event_clock(void);
extern double sim_speed;

// ---- Pins (gpio.c) ----
#define SIM_ANALOG_BASE 1024
#define SIM_PWM_MAX 32768
const char *sim_pin_name(uint16_t pin, char *buf, size_t len);
int sim_pin_lookup(const char *name);     // -1 when not a pin of this board
int sim_output_level(uint16_t pin);       // -1 when the pin is not an output

// ---- Trace (gpio.c) ----
void trace_open(const char *path);
void trace_note(uint64_t clock, const char *text);
void trace_flush(void);
unsigned long trace_wait_count(void);

// ---- Physical model (model.c) ----
int model_load(const char *path, char *err, size_t errlen);
void model_output_changed(uint16_t pin, double level, uint64_t clock);
int model_input_level(uint16_t pin, uint64_t clock);   // -1 when the model leaves it alone
uint16_t model_adc_value(uint16_t channel, uint64_t clock);
// One line from the control FIFO ("fault extruder open", ...); returns 0 when understood.
int model_control(const char *line, char *reply, size_t replylen);

#endif
