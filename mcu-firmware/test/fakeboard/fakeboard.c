// A board made of variables: the clock is whatever the test sets, pins are recorded,
// sent blocks are captured. The core cannot tell it from hardware.
#include <string.h>
#include "board.h"
#include "command.h"
#include "fakeboard.h"
#include "sched.h"

DECL_ENUMERATION_RANGE("pin", "P0", 0, FAKE_PINS);
DECL_CONSTANT("ADC_MAX", 4095);
DECL_CONSTANT("PWM_MAX", 255);

uint32_t fake_now;
struct fake_pin_event fake_events[FAKE_EVENTS_MAX];
size_t fake_event_count;
uint8_t fake_level[FAKE_PINS], fake_input[FAKE_PINS];
uint16_t fake_adc[FAKE_PINS];
uint8_t fake_tx[1 << 16];
size_t fake_tx_len;
uint64_t fake_timer_runs;

void
fake_clear_records(void)
{
    fake_event_count = 0;
    fake_tx_len = 0;
}

static void
record(uint16_t pin, uint16_t value)
{
    if (fake_event_count < FAKE_EVENTS_MAX)
        fake_events[fake_event_count++] = (struct fake_pin_event){ fake_now, pin, value };
}

uint32_t timer_read_time(void) { return fake_now; }
void timer_kick(void) { }
irqstatus_t irq_save(void) { return 0; }
void irq_restore(irqstatus_t flag UNUSED) { }
void irq_disable(void) { }
void irq_enable(void) { }
void irq_wait(void) { }
void irq_poll(void) { }

void
board_shutdown_jump(jmp_buf env)
{
    longjmp(env, 1);
}

uint32_t fake_event_ticks, fake_late_limit;
uint64_t fake_max_events;

void
fake_run_until(uint32_t until)
{
    uint64_t events = 0;
    for (;;) {
        uint32_t waketime = sched_next_waketime();
        if (timer_is_before(until, waketime))
            break;
        if (timer_is_before(fake_now, waketime))
            fake_now = waketime;
        // Like a real board: a timer too far behind the clock means the MCU cannot keep up.
        if (fake_late_limit && fake_now - waketime > fake_late_limit)
            try_shutdown("Rescheduled timer in the past");
        if (fake_max_events && ++events > fake_max_events)
            return;
        fake_timer_runs++;
        sched_timer_dispatch();
        fake_now += fake_event_ticks;
    }
    if (timer_is_before(fake_now, until))
        fake_now = until;
}

struct gpio_out
gpio_out_setup(uint32_t pin, uint8_t value)
{
    if (pin >= FAKE_PINS)
        shutdown("Not an output pin");
    fake_level[pin] = !!value;
    record(pin, fake_level[pin]);
    return (struct gpio_out){ .pin = pin };
}

void
gpio_out_write(struct gpio_out g, uint8_t value)
{
    if (fake_level[g.pin] != !!value) {
        fake_level[g.pin] = !!value;
        record(g.pin, fake_level[g.pin]);
    }
}

void
fake_gpio_toggle(uint16_t pin)
{
    fake_level[pin] ^= 1;
    record(pin, fake_level[pin]);
}

void
gpio_out_toggle(struct gpio_out g)
{
    fake_gpio_toggle(g.pin);
}

struct gpio_in
gpio_in_setup(uint32_t pin, int8_t pull_up UNUSED)
{
    if (pin >= FAKE_PINS)
        shutdown("Not a valid input pin");
    return (struct gpio_in){ .pin = pin };
}

uint8_t
gpio_in_read(struct gpio_in g)
{
    return fake_input[g.pin];
}

struct gpio_adc
gpio_adc_setup(uint32_t pin)
{
    if (pin >= FAKE_PINS)
        shutdown("Not a valid ADC pin");
    return (struct gpio_adc){ .pin = pin };
}

uint32_t gpio_adc_sample(struct gpio_adc g UNUSED) { return 0; }
uint16_t gpio_adc_read(struct gpio_adc g) { return fake_adc[g.pin]; }
void gpio_adc_cancel_sample(struct gpio_adc g UNUSED) { }

struct gpio_pwm
gpio_pwm_setup(uint32_t pin, uint32_t cycle_ticks UNUSED, uint16_t value)
{
    if (pin >= FAKE_PINS)
        shutdown("Not a valid PWM pin");
    struct gpio_pwm g = { .pin = pin };
    gpio_pwm_write(g, value);
    return g;
}

void
gpio_pwm_write(struct gpio_pwm g, uint16_t value)
{
    record(g.pin, value);
}

void
console_send(const uint8_t *block, uint_fast8_t len)
{
    if (fake_tx_len + len <= sizeof(fake_tx)) {
        memcpy(fake_tx + fake_tx_len, block, len);
        fake_tx_len += len;
    }
}

static char arena[64 * 1024] __attribute__((aligned(16)));
void *dynmem_start(void) { return arena; }
void *dynmem_end(void) { return arena + sizeof(arena); }
