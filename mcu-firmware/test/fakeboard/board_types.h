// The fake board's pin handles (unit tests and fuzzer).
#ifndef ESC_FAKE_BOARD_TYPES_H
#define ESC_FAKE_BOARD_TYPES_H

#include <stdint.h>

typedef uint8_t irqstatus_t;

struct gpio_out { uint16_t pin; };
struct gpio_in { uint16_t pin; };
struct gpio_adc { uint16_t pin; };
struct gpio_pwm { uint16_t pin; };

void fake_gpio_toggle(uint16_t pin);
static inline void
gpio_out_toggle_noirq(struct gpio_out g)
{
    fake_gpio_toggle(g.pin);
}

#endif
