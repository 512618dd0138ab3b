// atmega2560 clock and timer dispatch: Timer1 counts CPU cycles; a software extension
// supplies the upper 16 bits of the 32-bit clock.
#include <avr/interrupt.h>
#include "board.h"
#include "command.h"
#include "sched.h"

// Nearer than this, the next timer is waited for inside the interrupt: leaving and
// re-entering would cost more.
#define TIMER_SPIN_TICKS 100
// A timer this late shuts down ("Rescheduled timer in the past").
#define TIMER_LATE_TICKS timer_from_us(1000)
// After this long running timers back to back, give waiting tasks a short turn.
#define TIMER_BUSY_TICKS 3000
#define TIMER_DEFER_TICKS 200

// The upper half of the clock at the last extension event, and whether that event ran
// with the counter in its upper half (0x8000..0xffff): then a counter read below 0x8000
// means it has wrapped since. Derived from the events' own exact waketimes, not from the
// overflow flag (simavr 1.6 loses that flag when OCR1A is rewritten often).
static uint16_t timer_high;
static uint8_t last_event_upper;

uint32_t
timer_read_time(void)
{
    irqstatus_t flag = irq_save();
    uint16_t low = TCNT1, high = timer_high;
    if (last_event_upper && low < 0x8000)
        high++;
    irq_restore(flag);
    return ((uint32_t)high << 16) | low;
}

// Sets the compare for `when` (or a few ticks before it) and returns the value set.
// simavr arms a compare at 0..7 only when the counter's overflow is processed that many
// cycles after the wrap, and a multi-cycle instruction or a sleep can overshoot it: the
// match is then lost and the interrupt comes a whole wrap (4 ms) late. Such a compare is
// set just before the wrap instead; the interrupt waits out the few ticks. The clock
// extension timer alone falls on 0x0000 every 4 ms.
static uint16_t
compare_at(uint16_t when)
{
    if (when < 8)
        when = 0xfff8;
    OCR1A = when;
    TIFR1 = _BV(OCF1A);
    return when;
}

void
timer_kick(void)
{
    irqstatus_t flag = irq_save();
    compare_at(TCNT1 + 50);
    irq_restore(flag);
}

// Runs every 0x8000 ticks (at counter values 0x0000 and 0x8000): keeps the upper half of
// the clock, and keeps some timer always within 2 ms, so the interrupt can compare times
// in 16 bits. It never runs more than 1 ms late (that shuts down first).
static uint_fast8_t
clock_extend_event(struct timer *t)
{
    uint32_t waketime = t->waketime;
    timer_high = waketime >> 16;
    last_event_upper = (waketime & 0x8000) != 0;
    t->waketime = waketime + 0x8000;
    return SF_RESCHEDULE;
}

static struct timer clock_extend_timer = { .func = clock_extend_event };

void
avr_timer_irq_on(void)
{
    TIMSK1 = _BV(OCIE1A);
}

void
avr_timer_setup(void)
{
    TCCR1A = 0;
    TCCR1B = _BV(CS10);
    TCNT1 = 0;
    TIFR1 = _BV(OCF1A);
    OCR1A = 0x4000;
    TIMSK1 = _BV(OCIE1A);
    clock_extend_timer.waketime = 0x8000;
}

void
avr_timer_start(void)
{
    sched_add_timer(&clock_extend_timer);
}
DECL_INIT(avr_timer_start);
DECL_SHUTDOWN(avr_timer_start);

ISR(TIMER1_COMPA_vect)
{
    // Other interrupts (serial) may run while the loop below waits, but not this one:
    // a nested dispatch would run timers under the feet of the one in progress.
    TIMSK1 = 0;
    uint16_t next = sched_next_waketime();
    if ((int16_t)(next - TCNT1) <= TIMER_SPIN_TICKS) {
        // Woken a little early (compare_at, timer_kick): wait for it.
        while ((int16_t)(TCNT1 - next) < 0)
            ;
        uint16_t busy_start = TCNT1;
        for (;;) {
            next = sched_timer_dispatch();
            int16_t wait = next - TCNT1;
            if (wait > TIMER_SPIN_TICKS)
                break;
            if (wait < -(int16_t)TIMER_LATE_TICKS)
                try_shutdown("Rescheduled timer in the past");
            if ((uint16_t)(TCNT1 - busy_start) > TIMER_BUSY_TICKS && sched_tasks_pending()) {
                if (wait < TIMER_DEFER_TICKS)
                    next = TCNT1 + TIMER_DEFER_TICKS;
                break;
            }
            // Let the serial interrupts in while waiting for the next timer.
            sei();
            while ((int16_t)(TCNT1 - next) < 0)
                ;
            cli();
        }
    }
    uint16_t armed = compare_at(next);
    // Enabled before the last look at the counter, so that a match from here on is taken
    // when the interrupt returns (simavr drops a match that came while it was disabled).
    TIMSK1 = _BV(OCIE1A);
    if ((int16_t)(TCNT1 - armed) >= 0)
        // It came due while we set it up: make sure the interrupt fires again.
        timer_kick();
}
