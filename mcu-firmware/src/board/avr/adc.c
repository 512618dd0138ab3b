// atmega2560 ADC: channels 0-7 on PF0-PF7 and 8-15 on PK0-PK7, AVCC reference, one
// conversion at a time (13 ADC clocks at 125 kHz, about 104 us).
#include <avr/io.h>
#include "board.h"
#include "command.h"
#include "sched.h"

#define ADC_PIN_BASE_LOW 40    // PF0
#define ADC_PIN_BASE_HIGH 80   // PK0
#define ADC_WAIT_TICKS timer_from_us(20)

enum { ADC_IDLE = 0xff };
static uint8_t adc_owner = ADC_IDLE;   // the channel converting (or converted) now

void
avr_adc_init(void)
{
    // Prescaler 128: 125 kHz ADC clock at 16 MHz.
    ADCSRA = _BV(ADEN) | _BV(ADPS2) | _BV(ADPS1) | _BV(ADPS0);
}
DECL_INIT(avr_adc_init);

struct gpio_adc
gpio_adc_setup(uint32_t pin)
{
    uint8_t channel;
    if (pin >= ADC_PIN_BASE_LOW && pin < ADC_PIN_BASE_LOW + 8)
        channel = pin - ADC_PIN_BASE_LOW;
    else if (pin >= ADC_PIN_BASE_HIGH && pin < ADC_PIN_BASE_HIGH + 8)
        channel = 8 + pin - ADC_PIN_BASE_HIGH;
    else
        shutdown("Not a valid ADC pin");
    // Digital input buffers off on the analog pin: less noise, less power.
    if (channel < 8)
        DIDR0 |= 1 << channel;
    else
        DIDR2 |= 1 << (channel - 8);
    return (struct gpio_adc){ .channel = channel };
}

uint32_t
gpio_adc_sample(struct gpio_adc g)
{
    if (adc_owner == ADC_IDLE) {
        adc_owner = g.channel;
        ADMUX = _BV(REFS0) | (g.channel & 7);
        ADCSRB = (g.channel & 8) ? _BV(MUX5) : 0;
        ADCSRA |= _BV(ADSC);
        return ADC_WAIT_TICKS;
    }
    if (adc_owner != g.channel || (ADCSRA & _BV(ADSC)))
        return ADC_WAIT_TICKS;
    return 0;
}

uint16_t
gpio_adc_read(struct gpio_adc g UNUSED)
{
    adc_owner = ADC_IDLE;
    return ADC;
}

void
gpio_adc_cancel_sample(struct gpio_adc g)
{
    irqstatus_t flag = irq_save();
    if (adc_owner == g.channel)
        adc_owner = ADC_IDLE;
    irq_restore(flag);
}
