// STM32 ADC1, 12 bits, one conversion at a time. Channels: PA0-PA7 = 0-7, PB0-PB1 = 8-9,
// PC0-PC5 = 10-15.
#include "board.h"
#include "command.h"
#include "regs.h"
#include "sched.h"

#define ADC_WAIT_TICKS timer_from_us(20)
enum { ADC_IDLE = 0xff };
static uint8_t adc_owner = ADC_IDLE;

void
stm32_adc_init(void)
{
#if CONFIG_MACH_STM32F407
    RCC_APB2ENR |= 1 << 8;
    ADC_CCR = 1 << 16;            // ADC clock = APB2 / 4 = 21 MHz
    ADC1->smpr2 = 0x3fffffff;     // longest sample time on channels 0-9
    ADC1->smpr1 = 0x07ffffff;     // ...and 10-18
    ADC1->cr2 = 1;                // ADON
#else
    RCC_APB2ENR |= 1 << 9;        // ADC clock = APB2 / 6 = 12 MHz (set with the clocks)
    ADC1->smpr2 = 0x3fffffff;
    ADC1->smpr1 = 0x00ffffff;
    ADC1->cr2 = 1;                // ADON
    ADC1->cr2 = 1 | (1 << 3);     // reset, then run the calibration
    uint32_t n;
    for (n = 0; n < 100000 && (ADC1->cr2 & (1 << 3)); n++)
        ;
    ADC1->cr2 = 1 | (1 << 2);
    for (n = 0; n < 100000 && (ADC1->cr2 & (1 << 2)); n++)
        ;
    ADC1->cr2 = 1 | (1 << 20) | (7 << 17);   // software trigger
#endif
}
DECL_INIT(stm32_adc_init);

struct gpio_adc
gpio_adc_setup(uint32_t pin)
{
    uint8_t channel;
    if (pin < 8)
        channel = pin;
    else if (pin == 16 || pin == 17)
        channel = 8 + pin - 16;
    else if (pin >= 32 && pin < 38)
        channel = 10 + pin - 32;
    else
        shutdown("Not a valid ADC pin");
    // Analog mode on the pin.
#if CONFIG_MACH_STM32F407
    RCC_AHB1ENR |= 1 << (pin / 16);
    PERIPH_GPIO(pin / 16)->moder |= 3u << 2 * (pin % 16);
#else
    RCC_APB2ENR |= 1 << (pin / 16 + 2);
    PERIPH_GPIO(pin / 16)->cr[(pin % 16) / 8] &= ~(0xfu << 4 * (pin % 8));
#endif
    return (struct gpio_adc){ .channel = channel };
}

uint32_t
gpio_adc_sample(struct gpio_adc g)
{
    if (adc_owner == ADC_IDLE) {
        adc_owner = g.channel;
        ADC1->sqr3 = g.channel;
#if CONFIG_MACH_STM32F407
        ADC1->cr2 = 1 | (1 << 30);      // SWSTART
#else
        ADC1->cr2 = 1 | (1 << 20) | (7 << 17) | (1 << 22);
#endif
        return ADC_WAIT_TICKS;
    }
    if (adc_owner != g.channel || !(ADC1->sr & (1 << 1)))   // EOC
        return ADC_WAIT_TICKS;
    return 0;
}

uint16_t
gpio_adc_read(struct gpio_adc g UNUSED)
{
    adc_owner = ADC_IDLE;
    return ADC1->dr & 0xfff;
}

void
gpio_adc_cancel_sample(struct gpio_adc g)
{
    irqstatus_t flag = irq_save();
    if (adc_owner == g.channel)
        adc_owner = ADC_IDLE;
    irq_restore(flag);
}
