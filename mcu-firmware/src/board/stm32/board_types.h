// STM32 pin handles: the port's output data register (the set/reset register follows it
// on both families) and the pin's bit.
#ifndef ESC_STM32_BOARD_TYPES_H
#define ESC_STM32_BOARD_TYPES_H

#include <stdint.h>

typedef uint32_t irqstatus_t;   // PRIMASK

struct gpio_out { volatile uint32_t *odr; uint32_t bit; };
struct gpio_in { volatile uint32_t *idr; uint32_t bit; };
struct gpio_adc { uint8_t channel; };
struct gpio_pwm { uint8_t unused; };

static inline void
gpio_out_toggle_noirq(struct gpio_out g)
{
    *g.odr ^= g.bit;
}

#endif
