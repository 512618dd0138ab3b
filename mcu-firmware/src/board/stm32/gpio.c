// STM32 digital pins: number = port * 16 + pin (PA0 = 0, PB0 = 16, ...).
#include "board.h"
#include "command.h"
#include "regs.h"
#include "sched.h"

DECL_ENUMERATION_RANGE("pin", "PA0", 0, 16);
DECL_ENUMERATION_RANGE("pin", "PB0", 16, 16);
DECL_ENUMERATION_RANGE("pin", "PC0", 32, 16);
DECL_ENUMERATION_RANGE("pin", "PD0", 48, 16);
DECL_ENUMERATION_RANGE("pin", "PE0", 64, 16);
DECL_ENUMERATION_RANGE("pin", "PF0", 80, 16);
DECL_ENUMERATION_RANGE("pin", "PG0", 96, 16);
#if CONFIG_MACH_STM32F407
DECL_ENUMERATION_RANGE("pin", "PH0", 112, 16);
DECL_ENUMERATION_RANGE("pin", "PI0", 128, 16);
#endif

static void
enable_port(uint32_t port)
{
#if CONFIG_MACH_STM32F407
    RCC_AHB1ENR |= 1 << port;
#else
    RCC_APB2ENR |= 1 << (port + 2);
#endif
}

// Mode per family: 0 input floating, 1 input pull-up, 2 input pull-down, 3 output.
static volatile uint32_t *
configure(uint32_t pin, int mode)
{
    uint32_t port = pin / 16, n = pin % 16;
    if (port >= GPIO_PORTS)
        return 0;
    enable_port(port);
    irqstatus_t flag = irq_save();
#if CONFIG_MACH_STM32F407
    struct gpio_regs_f4 *g = PERIPH_GPIO(port);
    g->pupdr = (g->pupdr & ~(3u << 2 * n)) | ((mode == 1 ? 1u : mode == 2 ? 2u : 0u) << 2 * n);
    g->ospeedr |= 2u << 2 * n;
    g->moder = (g->moder & ~(3u << 2 * n)) | ((mode == 3 ? 1u : 0u) << 2 * n);
    volatile uint32_t *odr = &g->odr;
#else
    struct gpio_regs_f1 *g = PERIPH_GPIO(port);
    uint32_t cfg = mode == 3 ? 0x3 : mode == 0 ? 0x4 : 0x8;
    g->cr[n / 8] = (g->cr[n / 8] & ~(0xfu << 4 * (n % 8))) | (cfg << 4 * (n % 8));
    if (mode == 1)
        g->odr |= 1u << n;
    else if (mode == 2)
        g->odr &= ~(1u << n);
    volatile uint32_t *odr = &g->odr;
#endif
    irq_restore(flag);
    return odr;
}

struct gpio_out
gpio_out_setup(uint32_t pin, uint8_t value)
{
    if (pin / 16 >= GPIO_PORTS)
        shutdown("Not an output pin");
    struct gpio_out g = { .odr = 0, .bit = 1u << (pin % 16) };
#if CONFIG_MACH_STM32F407
    g.odr = &PERIPH_GPIO(pin / 16)->odr;
#else
    g.odr = &PERIPH_GPIO(pin / 16)->odr;
#endif
    enable_port(pin / 16);
    gpio_out_write(g, value);
    configure(pin, 3);
    return g;
}

void
gpio_out_write(struct gpio_out g, uint8_t value)
{
    // BSRR follows ODR on both families: set in the low half, reset in the high half.
    g.odr[1] = value ? g.bit : g.bit << 16;
}

void
gpio_out_toggle(struct gpio_out g)
{
    irqstatus_t flag = irq_save();
    gpio_out_toggle_noirq(g);
    irq_restore(flag);
}

struct gpio_in
gpio_in_setup(uint32_t pin, int8_t pull_up)
{
    volatile uint32_t *odr = configure(pin, pull_up > 0 ? 1 : pull_up < 0 ? 2 : 0);
    if (!odr)
        shutdown("Not a valid input pin");
    // IDR sits just before ODR on both families.
    return (struct gpio_in){ .idr = odr - 1, .bit = 1u << (pin % 16) };
}

uint8_t
gpio_in_read(struct gpio_in g)
{
    return !!(*g.idr & g.bit);
}
