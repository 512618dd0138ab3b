// The simulated MCU's pin handles: an index into the virtual pin table.
#ifndef ESC_SIM_BOARD_TYPES_H
#define ESC_SIM_BOARD_TYPES_H

#include <stdint.h>

typedef uint8_t irqstatus_t;   // one thread, no interrupts: nothing to save

struct gpio_out { uint16_t pin; };
struct gpio_in { uint16_t pin; };
struct gpio_adc { uint16_t pin; };
struct gpio_pwm { uint16_t pin; };

void sim_gpio_toggle(uint16_t pin);
static inline void
gpio_out_toggle_noirq(struct gpio_out g)
{
    sim_gpio_toggle(g.pin);
}

#endif
