// Virtual pins of the simulated MCU, and the trace that records every change to them.
//
// gpio0..gpioN are digital pins (any of them can also be a hardware PWM output);
// analog0..analogM are ADC inputs. Outputs tell the physical model when they change;
// inputs and ADC channels read their value from it. Trace format: docs/sim-mcu.md.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "board.h"
#include "command.h"
#include "sched.h"
#include "sim.h"

#define GPIO_COUNT CONFIG_SIM_GPIO_COUNT
#define ANALOG_COUNT CONFIG_SIM_ANALOG_COUNT

DECL_ENUMERATION_RANGE("pin", "gpio0", 0, GPIO_COUNT);
DECL_ENUMERATION_RANGE("pin", "analog0", SIM_ANALOG_BASE, ANALOG_COUNT);
DECL_CONSTANT("ADC_MAX", 4095);
DECL_CONSTANT("PWM_MAX", SIM_PWM_MAX);

enum { MODE_UNUSED, MODE_OUTPUT, MODE_INPUT, MODE_PWM };

struct sim_pin {
    uint8_t mode, level, pull_up;
    uint16_t pwm_value;
};
static struct sim_pin pins[GPIO_COUNT];


/****************************************************************
 * Trace
 ****************************************************************/

// The timing loop must never wait on the disk: a write() held up by a busy machine's
// dirty pages can stall it for tens of milliseconds, which a real MCU never sees. So pin
// changes go into a ring in memory and a writer thread of ordinary priority drains it.
#define TRACE_RING_SIZE (16u << 20)
static char *trace_ring;
static _Atomic size_t trace_head, trace_tail;   // bytes ever put, bytes ever written
static int trace_fd = -1;
static unsigned long trace_waits;              // times the ring was full (the disk lagged)

static void
trace_drain(void)
{
    size_t tail = atomic_load_explicit(&trace_tail, memory_order_relaxed);
    size_t head = atomic_load_explicit(&trace_head, memory_order_acquire);
    while (tail != head) {
        size_t off = tail % TRACE_RING_SIZE, n = head - tail;
        if (n > TRACE_RING_SIZE - off)
            n = TRACE_RING_SIZE - off;
        ssize_t w = write(trace_fd, trace_ring + off, n);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            perror("escapement-sim: trace");
            exit(2);
        }
        tail += w;
        atomic_store_explicit(&trace_tail, tail, memory_order_release);
    }
}

static void *
trace_writer(void *unused)
{
    (void)unused;
    for (;;) {
        trace_drain();
        struct timespec pause = { 0, 5000000 };
        nanosleep(&pause, NULL);
    }
    return NULL;
}

static void
trace_put(const char *data, size_t n)
{
    size_t head = atomic_load_explicit(&trace_head, memory_order_relaxed);
    while (head + n - atomic_load_explicit(&trace_tail, memory_order_acquire)
           > TRACE_RING_SIZE) {
        // Seconds of changes are waiting: the disk is far behind. Wait rather than lose any.
        trace_waits++;
        struct timespec pause = { 0, 100000 };
        nanosleep(&pause, NULL);
    }
    size_t off = head % TRACE_RING_SIZE, first = TRACE_RING_SIZE - off;
    if (first > n)
        first = n;
    memcpy(trace_ring + off, data, first);
    memcpy(trace_ring, data + first, n - first);
    atomic_store_explicit(&trace_head, head + n, memory_order_release);
}

void
trace_open(const char *path)
{
    trace_fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    trace_ring = malloc(TRACE_RING_SIZE);
    if (trace_fd < 0 || !trace_ring) {
        perror("escapement-sim: trace");
        exit(2);
    }
    // The writer runs at ordinary priority whatever the main thread's (-r: SCHED_FIFO).
    pthread_attr_t attr;
    struct sched_param sp = { .sched_priority = 0 };
    pthread_t writer;
    pthread_attr_init(&attr);
    pthread_attr_setinheritsched(&attr, PTHREAD_EXPLICIT_SCHED);
    pthread_attr_setschedpolicy(&attr, SCHED_OTHER);
    pthread_attr_setschedparam(&attr, &sp);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    if (pthread_create(&writer, &attr, trace_writer, NULL)) {
        fprintf(stderr, "escapement-sim: trace: cannot start its writer thread\n");
        exit(2);
    }
    pthread_attr_destroy(&attr);
    char header[128];
    int n = snprintf(header, sizeof(header),
                     "# escapement-sim trace 1\n# clock_freq %u\n# speed %g\n",
                     (unsigned)CONFIG_CLOCK_FREQ, sim_speed);
    trace_put(header, n);
}

// Waits until everything traced so far is in the file (the host reads it after a report,
// and at exit). Only sleeps and atomics: it also runs from the signal handler.
void
trace_flush(void)
{
    if (trace_fd < 0)
        return;
    size_t head = atomic_load_explicit(&trace_head, memory_order_acquire);
    while (atomic_load_explicit(&trace_tail, memory_order_acquire) < head) {
        struct timespec pause = { 0, 200000 };
        nanosleep(&pause, NULL);
    }
}

// How often the trace held the timing loop up (in the state report; 0 unless the disk lagged
// seconds behind).
unsigned long
trace_wait_count(void)
{
    return trace_waits;
}

// fprintf is the slow part of stepping at a few hundred kHz; numbers by hand instead.
static char *
put_u64(char *p, uint64_t v)
{
    char tmp[24];
    int n = 0;
    do {
        tmp[n++] = '0' + v % 10;
        v /= 10;
    } while (v);
    while (n)
        *p++ = tmp[--n];
    return p;
}

static void
trace_pin(uint64_t clock, uint16_t pin, const char *what, uint32_t value)
{
    if (trace_fd < 0)
        return;
    char line[64], *p = put_u64(line, clock);
    *p++ = ' ';
    memcpy(p, "gpio", 4);
    p = put_u64(p + 4, pin);
    *p++ = ' ';
    if (what) {
        size_t n = strlen(what);
        memcpy(p, what, n);
        p += n;
        *p++ = ' ';
    }
    p = put_u64(p, value);
    *p++ = '\n';
    trace_put(line, p - line);
}

void
trace_note(uint64_t clock, const char *text)
{
    if (trace_fd < 0)
        return;
    char line[256];
    int n = snprintf(line, sizeof(line), "# %llu %s\n", (unsigned long long)clock, text);
    trace_put(line, n < (int)sizeof(line) ? (size_t)n : sizeof(line) - 1);
}


/****************************************************************
 * Names
 ****************************************************************/

const char *
sim_pin_name(uint16_t pin, char *buf, size_t len)
{
    if (pin >= SIM_ANALOG_BASE)
        snprintf(buf, len, "analog%u", pin - SIM_ANALOG_BASE);
    else
        snprintf(buf, len, "gpio%u", pin);
    return buf;
}

int
sim_pin_lookup(const char *name)
{
    char *end;
    if (!strncmp(name, "gpio", 4) && name[4]) {
        unsigned long n = strtoul(name + 4, &end, 10);
        if (!*end && n < GPIO_COUNT)
            return n;
    } else if (!strncmp(name, "analog", 6) && name[6]) {
        unsigned long n = strtoul(name + 6, &end, 10);
        if (!*end && n < ANALOG_COUNT)
            return SIM_ANALOG_BASE + n;
    }
    return -1;
}

int
sim_output_level(uint16_t pin)
{
    if (pin >= GPIO_COUNT || pins[pin].mode != MODE_OUTPUT)
        return -1;
    return pins[pin].level;
}


/****************************************************************
 * Digital pins
 ****************************************************************/

static void
set_level(uint16_t pin, uint8_t level, int force_trace)
{
    struct sim_pin *p = &pins[pin];
    if (p->level == level && !force_trace)
        return;
    p->level = level;
    uint64_t clock = sim_event_clock();
    trace_pin(clock, pin, NULL, level);
    model_output_changed(pin, level, clock);
}

struct gpio_out
gpio_out_setup(uint32_t pin, uint8_t value)
{
    if (pin >= GPIO_COUNT)
        shutdown("Not an output pin");
    int was_output = pins[pin].mode == MODE_OUTPUT;
    pins[pin].mode = MODE_OUTPUT;
    set_level(pin, !!value, !was_output);
    return (struct gpio_out){ .pin = pin };
}

void
gpio_out_write(struct gpio_out g, uint8_t value)
{
    set_level(g.pin, !!value, 0);
}

void
sim_gpio_toggle(uint16_t pin)
{
    set_level(pin, !pins[pin].level, 0);
}

void
gpio_out_toggle(struct gpio_out g)
{
    sim_gpio_toggle(g.pin);
}

struct gpio_in
gpio_in_setup(uint32_t pin, int8_t pull_up)
{
    if (pin >= GPIO_COUNT)
        shutdown("Not a valid input pin");
    pins[pin].mode = MODE_INPUT;
    pins[pin].pull_up = pull_up > 0;
    return (struct gpio_in){ .pin = pin };
}

uint8_t
gpio_in_read(struct gpio_in g)
{
    int level = model_input_level(g.pin, sim_event_clock());
    if (level >= 0)
        return level;
    // Nothing drives the pin: it floats to its pull-up (or reads low without one).
    return pins[g.pin].pull_up;
}


/****************************************************************
 * ADC and PWM
 ****************************************************************/

struct gpio_adc
gpio_adc_setup(uint32_t pin)
{
    if (pin < SIM_ANALOG_BASE || pin >= SIM_ANALOG_BASE + ANALOG_COUNT)
        shutdown("Not a valid ADC pin");
    return (struct gpio_adc){ .pin = pin - SIM_ANALOG_BASE };
}

uint32_t
gpio_adc_sample(struct gpio_adc g UNUSED)
{
    return 0;   // conversions are instant
}

uint16_t
gpio_adc_read(struct gpio_adc g)
{
    return model_adc_value(g.pin, sim_event_clock());
}

void
gpio_adc_cancel_sample(struct gpio_adc g UNUSED)
{
}

struct gpio_pwm
gpio_pwm_setup(uint32_t pin, uint32_t cycle_ticks UNUSED, uint16_t value)
{
    if (pin >= GPIO_COUNT)
        shutdown("Not a valid PWM pin");
    pins[pin].mode = MODE_PWM;
    struct gpio_pwm g = { .pin = pin };
    pins[pin].pwm_value = value + 1;   // differs, so the first write is traced
    gpio_pwm_write(g, value);
    return g;
}

void
gpio_pwm_write(struct gpio_pwm g, uint16_t value)
{
    if (value > SIM_PWM_MAX)
        value = SIM_PWM_MAX;
    struct sim_pin *p = &pins[g.pin];
    if (p->pwm_value == value)
        return;
    p->pwm_value = value;
    uint64_t clock = sim_event_clock();
    trace_pin(clock, g.pin, "pwm", value);
    model_output_changed(g.pin, (double)value / SIM_PWM_MAX, clock);
}
