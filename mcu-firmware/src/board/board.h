// What a board gives the core: a clock, interrupt control, pins, the serial link, memory.
// Each board folder holds board_types.h (pin structs, irqstatus_t, inline fast paths) and
// the code behind these declarations. Nothing outside the board folders touches hardware.
#ifndef ESC_BOARD_H
#define ESC_BOARD_H

#include <setjmp.h>
#include <stdint.h>
#include "autoconf.h"
#include "compiler.h"
#include "board_types.h"

// ---- Time: a free-running 32-bit counter at CONFIG_CLOCK_FREQ ----
uint32_t timer_read_time(void);
// The earliest timer changed (it is new, or was removed): re-arm the wake-up.
void timer_kick(void);
static inline int
timer_is_before(uint32_t a, uint32_t b)
{
    return (int32_t)(a - b) < 0;
}
#define timer_from_us(us) ((uint32_t)(us) * (uint32_t)(CONFIG_CLOCK_FREQ / 1000000))

// The low 16 bits of the clock, read as cheaply as the board can (the AVR step pulse
// timing). Boards without a faster way use timer_read_time().
#ifndef BOARD_HAS_TIMER_READ_LOW16
static inline uint16_t
timer_read_low16(void)
{
    return (uint16_t)timer_read_time();
}
#endif

// ---- Interrupts ----
irqstatus_t irq_save(void);
void irq_restore(irqstatus_t flag);
void irq_disable(void);
void irq_enable(void);
// Lets pending interrupts run for a moment (a long stretch of timer work calls it).
#ifndef BOARD_HAS_IRQ_WINDOW
static inline void
irq_window(void)
{
    irq_enable();
    irq_disable();
}
#endif
// Sleep until an interrupt (or, on the sim, I/O or a due timer). Called with interrupts
// disabled; returns with them disabled.
void irq_wait(void);
// Lets a board without real interrupts run due timers and read input; a no-op elsewhere.
void irq_poll(void);
// Return to the main loop at env from any context (an interrupt handler too).
void board_shutdown_jump(jmp_buf env) NORETURN;

// ---- Pins (numbers are the board's `pin` enumeration) ----
struct gpio_out gpio_out_setup(uint32_t pin, uint8_t value);
void gpio_out_write(struct gpio_out g, uint8_t value);
void gpio_out_toggle(struct gpio_out g);
struct gpio_in gpio_in_setup(uint32_t pin, int8_t pull_up);
uint8_t gpio_in_read(struct gpio_in g);
#if CONFIG_HAVE_GPIO_ADC
struct gpio_adc gpio_adc_setup(uint32_t pin);
// Starts or continues a conversion: 0 when a value is ready, else ticks to wait.
uint32_t gpio_adc_sample(struct gpio_adc g);
uint16_t gpio_adc_read(struct gpio_adc g);
void gpio_adc_cancel_sample(struct gpio_adc g);
#endif
#if CONFIG_HAVE_GPIO_HARD_PWM
struct gpio_pwm gpio_pwm_setup(uint32_t pin, uint32_t cycle_ticks, uint16_t value);
void gpio_pwm_write(struct gpio_pwm g, uint16_t value);
#endif

// ---- Memory for configured objects and the move queue ----
void *dynmem_start(void);
void *dynmem_end(void);

// ---- Restart (boards with CONFIG_HAVE_BOARD_RESET) ----
void board_reset(void) NORETURN;

#endif
