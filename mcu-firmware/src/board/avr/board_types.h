// AVR pin handles and the inline fast paths of the step pulse.
#ifndef ESC_AVR_BOARD_TYPES_H
#define ESC_AVR_BOARD_TYPES_H

#include <avr/io.h>
#include <stdint.h>

typedef uint8_t irqstatus_t;   // a copy of SREG

// PINx, DDRx and PORTx sit at consecutive addresses on every port of the atmega2560.
struct gpio_regs {
    volatile uint8_t in, ddr, out;
};

struct gpio_out { struct gpio_regs *regs; uint8_t bit; };
struct gpio_in { struct gpio_regs *regs; uint8_t bit; };
struct gpio_adc { uint8_t channel; };
struct gpio_pwm { volatile void *reg; uint8_t size8; };

// Writing a 1 to PINx toggles PORTx: one store, no read-modify-write, no race.
static inline void
gpio_out_toggle_noirq(struct gpio_out g)
{
    g.regs->in = g.bit;
}

// Timer1 runs at the CPU clock; its counter is the low half of the 32-bit clock.
#define BOARD_HAS_TIMER_READ_LOW16 1
static inline uint16_t
timer_read_low16(void)
{
    return TCNT1;
}

// sei takes effect one instruction late: the nop is where a pending interrupt runs.
#define BOARD_HAS_IRQ_WINDOW 1
static inline void
irq_window(void)
{
    asm volatile("sei\n\tnop\n\tcli" ::: "memory");
}

#endif
