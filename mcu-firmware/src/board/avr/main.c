// atmega2560: start-up, interrupt control, memory and reset.
#include <avr/interrupt.h>
#include <avr/sleep.h>
#include <avr/wdt.h>
#include "board.h"
#include "command.h"
#include "sched.h"

DECL_CONSTANT("ADC_MAX", 1023);
DECL_CONSTANT("PWM_MAX", 255);
DECL_CONSTANT_STR("RESERVE_PINS_serial", "PE0,PE1");

irqstatus_t
irq_save(void)
{
    irqstatus_t flag = SREG;
    cli();
    return flag;
}

void
irq_restore(irqstatus_t flag)
{
    SREG = flag;
}

void
irq_disable(void)
{
    cli();
}

void
irq_enable(void)
{
    sei();
}

void
irq_wait(void)
{
    // sei takes effect after the next instruction, so no interrupt slips in before the
    // sleep: any interrupt wakes it. simavr 1.6 differs in two ways: it puts the core to
    // sleep even with an interrupt pending (and then only a new one wakes it), and it
    // runs pending interrupts only a couple of instructions after sei. So: sleep only
    // when nothing is pending, and leave room after sei.
    uint8_t pending = (TIFR1 & _BV(OCF1A)) || (UCSR0A & _BV(RXC0))
        || ((UCSR0B & _BV(UDRIE0)) && (UCSR0A & _BV(UDRE0)));
    if (pending)
        asm volatile("sei\n\tnop\n\tnop\n\tnop\n\tcli" ::: "memory");
    else
        asm volatile("sei\n\tsleep\n\tnop\n\tnop\n\tcli" ::: "memory");
}

void
irq_poll(void)
{
}

void avr_timer_irq_on(void);

void
board_shutdown_jump(jmp_buf env)
{
    // From an interrupt too: leaving it without reti just leaves interrupts off, and
    // the shutdown path turns them back on. The timer interrupt masks itself while it
    // runs: unmask it, or no timer would ever run again.
    avr_timer_irq_on();
    longjmp(env, 1);
}

extern char __heap_start;

void *
dynmem_start(void)
{
    return &__heap_start;
}

void *
dynmem_end(void)
{
    return (void *)(RAMEND - CONFIG_AVR_STACK_SIZE);
}

void
board_reset(void)
{
    cli();
    wdt_enable(WDTO_15MS);
    for (;;)
        ;
}

// A watchdog reset leaves the watchdog running: stop it before anything else.
void early_watchdog_off(void) __attribute__((naked, used, section(".init3")));
void
early_watchdog_off(void)
{
    MCUSR = 0;
    wdt_disable();
}

void avr_timer_setup(void);
void avr_serial_setup(void);

int
main(void)
{
    set_sleep_mode(SLEEP_MODE_IDLE);
    sleep_enable();
    avr_timer_setup();
    avr_serial_setup();
    sched_main();
}
