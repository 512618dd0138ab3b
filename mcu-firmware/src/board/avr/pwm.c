// atmega2560 hardware PWM: 8-bit fast PWM on the output-compare pins of timers 0, 2, 3,
// 4 and 5 (timer1 keeps time). The prescaler comes from cycle_ticks; the channels of one
// timer must agree on it.
#include <avr/io.h>
#include "board.h"
#include "command.h"
#include "sched.h"

struct pwm_channel {
    uint8_t pin, timer;
    volatile void *ocr;
    volatile uint8_t *tccra;
    uint8_t com_bit;
};

#define PIN(port, bit) ((port) * 8 + (bit))
enum { PA, PB, PC, PD, PE, PF, PG, PH, PI_, PJ, PK, PL };

static const FLASH struct pwm_channel channels[] = {
    { PIN(PB, 7), 0, &OCR0A, &TCCR0A, COM0A1 }, { PIN(PG, 5), 0, &OCR0B, &TCCR0A, COM0B1 },
    { PIN(PB, 4), 2, &OCR2A, &TCCR2A, COM2A1 }, { PIN(PH, 6), 2, &OCR2B, &TCCR2A, COM2B1 },
    { PIN(PE, 3), 3, &OCR3A, &TCCR3A, COM3A1 }, { PIN(PE, 4), 3, &OCR3B, &TCCR3A, COM3B1 },
    { PIN(PE, 5), 3, &OCR3C, &TCCR3A, COM3C1 }, { PIN(PH, 3), 4, &OCR4A, &TCCR4A, COM4A1 },
    { PIN(PH, 4), 4, &OCR4B, &TCCR4A, COM4B1 }, { PIN(PH, 5), 4, &OCR4C, &TCCR4A, COM4C1 },
    { PIN(PL, 3), 5, &OCR5A, &TCCR5A, COM5A1 }, { PIN(PL, 4), 5, &OCR5B, &TCCR5A, COM5B1 },
    { PIN(PL, 5), 5, &OCR5C, &TCCR5A, COM5C1 },
};

// Clock-select values for prescalers 1, 8, 64, 256, 1024 (timer2: 1, 8, 32, 64, 128,
// 256, 1024).
static const FLASH uint16_t divisors[] = { 1, 8, 64, 256, 1024 };
static const FLASH uint16_t divisors2[] = { 1, 8, 32, 64, 128, 256, 1024 };
static uint8_t timer_cs[6];   // clock select in use per timer, 0 = not set up yet

static uint8_t
pick_clock_select(uint8_t timer, uint32_t cycle_ticks)
{
    // The largest prescaler whose 256-count cycle is not longer than asked for.
    const FLASH uint16_t *d = timer == 2 ? divisors2 : divisors;
    uint8_t n = timer == 2 ? 7 : 5, cs = 1;
    while (cs < n && 256UL * d[cs] <= cycle_ticks)
        cs++;
    return cs;
}

struct gpio_pwm
gpio_pwm_setup(uint32_t pin, uint32_t cycle_ticks, uint16_t value)
{
    uint8_t i;
    for (i = 0; i < sizeof(channels) / sizeof(channels[0]); i++)
        if (channels[i].pin == pin)
            break;
    if (i == sizeof(channels) / sizeof(channels[0]))
        shutdown("Not a valid PWM pin");
    const FLASH struct pwm_channel *c = &channels[i];
    uint8_t timer = c->timer, cs = pick_clock_select(timer, cycle_ticks);
    irqstatus_t flag = irq_save();
    if (timer_cs[timer] && timer_cs[timer] != cs)
        shutdown("PWM already programmed at different speed");
    timer_cs[timer] = cs;
    struct gpio_pwm g = { .reg = c->ocr, .size8 = timer == 0 || timer == 2 };
    switch (timer) {
    case 0: TCCR0A |= _BV(WGM01) | _BV(WGM00); TCCR0B = cs; break;
    case 2: TCCR2A |= _BV(WGM21) | _BV(WGM20); TCCR2B = cs; break;
    case 3: TCCR3A |= _BV(WGM30); TCCR3B = _BV(WGM32) | cs; break;
    case 4: TCCR4A |= _BV(WGM40); TCCR4B = _BV(WGM42) | cs; break;
    case 5: TCCR5A |= _BV(WGM50); TCCR5B = _BV(WGM52) | cs; break;
    }
    *c->tccra |= _BV(c->com_bit);
    gpio_pwm_write(g, value);
    irq_restore(flag);
    gpio_out_setup(pin, 0);
    return g;
}

void
gpio_pwm_write(struct gpio_pwm g, uint16_t value)
{
    if (value > 255)
        value = 255;
    if (g.size8) {
        *(volatile uint8_t *)g.reg = value;
    } else {
        irqstatus_t flag = irq_save();
        *(volatile uint16_t *)g.reg = value;
        irq_restore(flag);
    }
}
