// atmega2560 digital pins. Pin numbers: port index * 8 + bit, with the ports
// A B C D E F G H (J K L after the missing port I), as Klipper numbers them.
#include <avr/io.h>
#include "board.h"
#include "command.h"
#include "sched.h"

DECL_ENUMERATION_RANGE("pin", "PA0", 0, 8);
DECL_ENUMERATION_RANGE("pin", "PB0", 8, 8);
DECL_ENUMERATION_RANGE("pin", "PC0", 16, 8);
DECL_ENUMERATION_RANGE("pin", "PD0", 24, 8);
DECL_ENUMERATION_RANGE("pin", "PE0", 32, 8);
DECL_ENUMERATION_RANGE("pin", "PF0", 40, 8);
DECL_ENUMERATION_RANGE("pin", "PG0", 48, 8);
DECL_ENUMERATION_RANGE("pin", "PH0", 56, 8);
DECL_ENUMERATION_RANGE("pin", "PJ0", 72, 8);
DECL_ENUMERATION_RANGE("pin", "PK0", 80, 8);
DECL_ENUMERATION_RANGE("pin", "PL0", 88, 8);

static volatile uint8_t *const FLASH port_pins[] = {
    &PINA, &PINB, &PINC, &PIND, &PINE, &PINF, &PING, &PINH, 0, &PINJ, &PINK, &PINL,
};

static struct gpio_regs *
pin_regs(uint32_t pin)
{
    uint32_t port = pin / 8;
    if (port >= sizeof(port_pins) / sizeof(port_pins[0]))
        return 0;
    return (struct gpio_regs *)port_pins[port];
}

struct gpio_out
gpio_out_setup(uint32_t pin, uint8_t value)
{
    struct gpio_regs *regs = pin_regs(pin);
    if (!regs)
        shutdown("Not an output pin");
    struct gpio_out g = { .regs = regs, .bit = 1 << (pin % 8) };
    irqstatus_t flag = irq_save();
    gpio_out_write(g, value);
    regs->ddr |= g.bit;
    irq_restore(flag);
    return g;
}

void
gpio_out_write(struct gpio_out g, uint8_t value)
{
    irqstatus_t flag = irq_save();
    if (value)
        g.regs->out |= g.bit;
    else
        g.regs->out &= ~g.bit;
    irq_restore(flag);
}

void
gpio_out_toggle(struct gpio_out g)
{
    gpio_out_toggle_noirq(g);
}

struct gpio_in
gpio_in_setup(uint32_t pin, int8_t pull_up)
{
    struct gpio_regs *regs = pin_regs(pin);
    if (!regs)
        shutdown("Not a valid input pin");
    struct gpio_in g = { .regs = regs, .bit = 1 << (pin % 8) };
    irqstatus_t flag = irq_save();
    regs->ddr &= ~g.bit;
    if (pull_up > 0)
        regs->out |= g.bit;
    else
        regs->out &= ~g.bit;
    irq_restore(flag);
    return g;
}

uint8_t
gpio_in_read(struct gpio_in g)
{
    return !!(g.regs->in & g.bit);
}
