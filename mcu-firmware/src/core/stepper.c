// Steppers: queue_step moves turned into step pulses at exact clock times.
//
// A move (interval, count, add) steps at t0 + interval, then every interval ticks with
// interval += add after each step, where t0 is the previous step (or reset_step_clock).
// queue_step2 (ours, not Klipper's) adds add2: add += add2 after each step as well, so a
// move can follow a changing acceleration, and gives its first interval relative to the
// interval the previous move would have gone on with, which is usually close to it.
// Three ways to make the pulses, chosen at config_stepper:
//   edge   - invert_step=-1: toggle the pin once per step (drivers that count both edges);
//   inline - short pulses on boards that set CONFIG_STEPPER_INLINE_UNSTEP_TICKS (AVR): one
//            event raises the pin, does the bookkeeping and lowers it again;
//   full   - one event for the step edge, another for the unstep after step_pulse_ticks.
#include "basecmd.h"
#include "board.h"
#include "command.h"
#include "sched.h"
#include "trsync.h"

DECL_CONSTANT("STEPPER_STEP_BOTH_EDGE", 1);
#if CONFIG_STEPPER_INLINE_UNSTEP_TICKS
DECL_CONSTANT("STEPPER_OPTIMIZED_UNSTEP", CONFIG_STEPPER_INLINE_UNSTEP_TICKS);
#endif

struct stepper_move {
    struct move_node node;
    uint32_t interval;
    int16_t add, add2;
    uint16_t count;
    uint8_t dir;
};

struct stepper {
    struct timer timer;
    uint32_t interval;        // from the pending step to the one after it
    int16_t add, add2;
    uint32_t next_interval;   // what the last queued move's interval would go on to be
    uint16_t count;           // steps of the loaded move not yet finished
    uint32_t pulse_ticks;
    struct gpio_out step_pin, dir_pin;
    uint16_t stay_wake;       // inline mode: low half of the next step time, while staying
    uint32_t step_time;       // full mode: ideal time of the pending step
    int32_t position;         // every loaded step, signed by direction
    struct move_queue mq;
    struct trsync_signal stop_signal;
    uint8_t flags;
};

enum {
    SF_DIR = 1 << 0,          // the dir pin's value now
    SF_NEXT_DIR = 1 << 1,     // the direction queue_step gives its move
    SF_INVERT_STEP = 1 << 2,
    SF_NEED_RESET = 1 << 3,   // stopped by a trigger: queue_step waits for reset_step_clock
    SF_PULSE_HIGH = 1 << 4,   // full mode: between a step edge and its unstep
};

DEFINE_OID_KIND(stepper_kind, "stepper");

static uint_fast8_t stepper_event_edge(struct timer *t);
static uint_fast8_t stepper_event_inline(struct timer *t);
static uint_fast8_t stepper_event_step(struct timer *t);

// Loads the next queued move once the current one is done. min_next_time is the earliest
// the next step edge may come (0 when the stepper was idle). Interrupts are off.
static uint_fast8_t
stepper_load_next(struct stepper *s, uint32_t min_next_time, uint_fast8_t was_active)
{
    if (move_queue_empty(&s->mq)) {
        s->count = 0;
        return SF_DONE;
    }
    struct stepper_move *m = container_of(move_queue_pop(&s->mq), struct stepper_move, node);
    uint32_t interval = m->interval;
    uint16_t count = m->count;
    int16_t add = m->add, add2 = m->add2;
    uint8_t dir = m->dir;
    move_free(m);

    s->count = count;
    s->add = add + add2;
    s->add2 = add2;
    s->interval = interval + add;
    s->position += dir ? (int32_t)count : -(int32_t)count;
    uint32_t step_time;
    if (s->timer.func == stepper_event_step)
        step_time = s->step_time += interval;
    else
        step_time = s->timer.waketime + interval;
    uint32_t waketime = step_time;
    if (dir != (s->flags & SF_DIR)) {
        gpio_out_write(s->dir_pin, dir);
        s->flags ^= SF_DIR;
        if (was_active && s->timer.func != stepper_event_inline) {
            // The driver needs the new direction for a pulse time before the next edge.
            uint32_t after_dir = timer_read_time() + s->pulse_ticks;
            if (timer_is_before(min_next_time, after_dir))
                min_next_time = after_dir;
        }
    }
    if (was_active && s->timer.func != stepper_event_inline
        && timer_is_before(step_time, min_next_time)) {
        // The host asked for a step before the last one (or the dir change) is done.
        if ((int32_t)(step_time - min_next_time) < -(int32_t)timer_from_us(1000))
            shutdown("Stepper too far in past");
        waketime = min_next_time;
    }
    s->timer.waketime = waketime;
    return SF_RESCHEDULE;
}

// Edge mode: every event is one step; the pin toggles.
static uint_fast8_t
stepper_event_edge(struct timer *t)
{
    struct stepper *s = container_of(t, struct stepper, timer);
    gpio_out_toggle_noirq(s->step_pin);
    uint16_t count = s->count - 1;
    if (likely(count)) {
        s->count = count;
        s->timer.waketime += s->interval;
        s->interval += s->add;
        s->add += s->add2;
        return SF_RESCHEDULE;
    }
    return stepper_load_next(s, s->timer.waketime + s->pulse_ticks, 1);
}

// Inline mode: raise, do the bookkeeping while the pulse lasts, lower.
static uint_fast8_t stepper_inline_last_step(struct stepper *s, uint16_t edge);
static uint_fast8_t stepper_stay(struct stepper *first);
static uint_fast8_t stepper_stay_alone(struct stepper *s, uint16_t limit);

// Steps of constant-interval moves closer together than STAY_TICKS are taken by
// stepper_stay() without going back through the scheduler.
#define STAY_TICKS 1000
#define STAY_BUDGET_TICKS 16000
#define STAY_GROUP_MAX 4

static inline int
stay_eligible(struct stepper *s)
{
    return !s->add && !s->add2 && s->count > 1 && s->interval <= STAY_TICKS;
}

static uint_fast8_t
stepper_event_inline(struct timer *t)
{
    struct stepper *s = container_of(t, struct stepper, timer);
    if (stay_eligible(s))
        return stepper_stay(s);
    gpio_out_toggle_noirq(s->step_pin);
    uint16_t edge = timer_read_low16();
    uint16_t count = s->count - 1;
    if (unlikely(!count))
        return stepper_inline_last_step(s, edge);
    s->count = count;
    s->timer.waketime += s->interval;
    s->interval += s->add;
    s->add += s->add2;
    uint16_t pulse = s->pulse_ticks;
    while ((uint16_t)(timer_read_low16() - edge) < pulse)
        ;
    gpio_out_toggle_noirq(s->step_pin);
    return SF_RESCHEDULE;
}

// The move's last step: load the next move while the pulse lasts.
static uint_fast8_t NOINLINE
stepper_inline_last_step(struct stepper *s, uint16_t edge)
{
    s->count = 0;
    uint_fast8_t ret = stepper_load_next(s, 0, 1);
    uint16_t pulse = s->pulse_ticks;
    while ((uint16_t)(timer_read_low16() - edge) < pulse)
        ;
    gpio_out_toggle_noirq(s->step_pin);
    return ret;
}

// The same for a lone stepper, with everything in registers.
static uint_fast8_t NOINLINE
stepper_stay_alone(struct stepper *s, uint16_t limit)
{
    struct gpio_out pin = s->step_pin;
    uint16_t pulse = s->pulse_ticks, count = s->count, interval = s->interval;
    uint16_t stay_start = timer_read_low16();
    uint32_t waketime = s->timer.waketime;
    for (;;) {
        gpio_out_toggle_noirq(pin);
        uint16_t edge = timer_read_low16();
        count--;
        waketime += interval;
        while ((uint16_t)(timer_read_low16() - edge) < pulse)
            ;
        gpio_out_toggle_noirq(pin);
        if ((int16_t)((uint16_t)waketime - limit) >= 0 || count < 2
            || (uint16_t)(edge - stay_start) > STAY_BUDGET_TICKS)
            break;
        irq_window();
        while ((int16_t)(timer_read_low16() - (uint16_t)waketime) < 0)
            ;
    }
    s->count = count;
    s->timer.waketime = waketime;
    return SF_RESCHEDULE;
}

// Puts h back in time order among b and c (ties keep their order, as in the timer list).
#define STAY_SORT(h, b, c, n) do {                                              \
        if ((n) > 1 && (int16_t)((b)->stay_wake - (h)->stay_wake) <= 0) {     \
            struct stepper *moved_ = (h);                                      \
            (h) = (b);                                                         \
            if ((n) > 2 && (int16_t)((c)->stay_wake - moved_->stay_wake) <= 0) { \
                (b) = (c);                                                     \
                (c) = moved_;                                                  \
            } else {                                                           \
                (b) = moved_;                                                  \
            }                                                                  \
        }                                                                      \
    } while (0)

// Fast stepping without the scheduler: up to three inline steppers at the head of the
// timer list that move at a constant interval (the first is due now) are stepped here in
// time order until the earliest of them would come after the next other timer, one
// reaches the last step of its move (that goes through the normal path, which loads the
// next move), or STAY_BUDGET_TICKS have passed. This is what makes stepping fast on an
// 8-bit AVR. 16-bit times are enough: boards using the inline mode keep some timer within
// 32767 ticks (AVR: the clock extension), so everything here is that close.
static uint_fast8_t NOINLINE
stepper_stay(struct stepper *first)
{
    struct stepper *member[3] = { first, first, first };
    uint16_t count_before[3];
    uint_fast8_t n = 0, i;
    struct timer *t = &first->timer;
    uint32_t start = t->waketime;
    while (n < 3 && t->func == stepper_event_inline) {
        struct stepper *s = container_of(t, struct stepper, timer);
        if (!stay_eligible(s) || t->waketime - start > STAY_TICKS)
            break;
        s->stay_wake = t->waketime;
        count_before[n] = s->count;
        member[n++] = s;
        t = t->next;
    }
    struct timer *after = t;   // the first timer not taken
    if (n == 1)
        return stepper_stay_alone(first, after->waketime);
    uint16_t limit = after->waketime, stay_start = timer_read_low16();
    struct stepper *h = member[0], *b = member[1], *c = member[2];
    for (;;) {
        uint16_t wake = h->stay_wake;
        irq_window();
        while ((int16_t)(timer_read_low16() - wake) < 0)
            ;
        struct gpio_out pin = h->step_pin;
        gpio_out_toggle_noirq(pin);
        uint16_t edge = timer_read_low16();
        h->count--;
        h->stay_wake = wake + (uint16_t)h->interval;
        uint16_t pulse = h->pulse_ticks;
        STAY_SORT(h, b, c, n);
        while ((uint16_t)(timer_read_low16() - edge) < pulse)
            ;
        gpio_out_toggle_noirq(pin);
        if ((int16_t)(h->stay_wake - limit) >= 0 || h->count < 2
            || (uint16_t)(edge - stay_start) > STAY_BUDGET_TICKS)
            break;
    }
    // Full step times back, and the others back in the list where they now belong (before
    // the first one's time changes: the list is walked from it); the scheduler moves the
    // first one itself when this returns.
    first->timer.next = after;
    for (i = n; i-- > 0; ) {
        struct stepper *s = member[i];
        uint16_t taken = count_before[i] - s->count;
        s->timer.waketime += (uint32_t)taken * (uint16_t)s->interval;
        if (i)
            sched_requeue_timer(&first->timer, &s->timer);
    }
    return SF_RESCHEDULE;
}

// Full mode, second event: lower the pin, then plan the next step.
static uint_fast8_t
stepper_event_unstep(struct timer *t)
{
    struct stepper *s = container_of(t, struct stepper, timer);
    gpio_out_toggle_noirq(s->step_pin);
    s->flags &= ~SF_PULSE_HIGH;
    uint32_t min_next_time = timer_read_time() + s->pulse_ticks;
    s->timer.func = stepper_event_step;
    uint16_t count = s->count - 1;
    if (likely(count)) {
        s->count = count;
        uint32_t step_time = s->step_time + s->interval;
        s->step_time = step_time;
        s->interval += s->add;
        s->add += s->add2;
        // A late step moves out to keep the low phase as long as the pulse.
        s->timer.waketime = timer_is_before(step_time, min_next_time)
            ? min_next_time : step_time;
        return SF_RESCHEDULE;
    }
    return stepper_load_next(s, min_next_time, 1);
}

// Full mode, first event: the step edge.
static uint_fast8_t
stepper_event_step(struct timer *t)
{
    struct stepper *s = container_of(t, struct stepper, timer);
    gpio_out_toggle_noirq(s->step_pin);
    s->flags |= SF_PULSE_HIGH;
    s->timer.waketime = timer_read_time() + s->pulse_ticks;
    s->timer.func = stepper_event_unstep;
    return SF_RESCHEDULE;
}

void
command_config_stepper(uint32_t *args)
{
    int8_t invert_step = (int8_t)args[3];
    uint32_t pulse_ticks = args[4];
    struct gpio_out step_pin = gpio_out_setup(args[1], invert_step > 0);
    struct gpio_out dir_pin = gpio_out_setup(args[2], 0);
    struct stepper *s = oid_alloc(args[0], &stepper_kind, sizeof(*s));
    s->step_pin = step_pin;
    s->dir_pin = dir_pin;
    s->pulse_ticks = pulse_ticks;
    if (invert_step < 0)
        s->timer.func = stepper_event_edge;
    else if (CONFIG_STEPPER_INLINE_UNSTEP_TICKS
             && pulse_ticks <= CONFIG_STEPPER_INLINE_UNSTEP_TICKS)
        s->timer.func = stepper_event_inline;
    else
        s->timer.func = stepper_event_step;
    if (invert_step > 0)
        s->flags = SF_INVERT_STEP;
    move_queue_setup(&s->mq, sizeof(struct stepper_move));
}
DECL_COMMAND(command_config_stepper, "config_stepper oid=%c step_pin=%c dir_pin=%c"
             " invert_step=%c step_pulse_ticks=%u");

static struct stepper *
stepper_oid_lookup(uint8_t oid)
{
    return oid_lookup(oid, &stepper_kind);
}

// Queues a move; the stepper's interval and add evolve as described at the top.
static void
stepper_queue_move(struct stepper *s, uint32_t interval, uint16_t count, int16_t add,
                   int16_t add2)
{
    if (!count)
        shutdown("Invalid count parameter");
    struct stepper_move *m = move_alloc();
    m->interval = interval;
    m->count = count;
    m->add = add;
    m->add2 = add2;
    // interval + count*add + add2*count*(count-1)/2, in the same wrapping arithmetic.
    uint32_t pairs = (uint32_t)count * (count - 1) / 2;
    s->next_interval = interval + (uint32_t)count * (uint32_t)(int32_t)add
        + pairs * (uint32_t)(int32_t)add2;
    irq_disable();
    uint8_t flags = s->flags;
    m->dir = (flags & SF_NEXT_DIR) ? SF_DIR : 0;
    if (s->count) {
        move_queue_push(&m->node, &s->mq);
    } else if (flags & SF_NEED_RESET) {
        move_free(m);
    } else {
        move_queue_push(&m->node, &s->mq);
        stepper_load_next(s, 0, 0);
        sched_add_timer(&s->timer);
    }
    irq_enable();
}

void
command_queue_step(uint32_t *args)
{
    stepper_queue_move(stepper_oid_lookup(args[0]), args[1], args[2], args[3], 0);
}
DECL_COMMAND(command_queue_step, "queue_step oid=%c interval=%u count=%hu add=%hi");

void
command_queue_step2(uint32_t *args)
{
    struct stepper *s = stepper_oid_lookup(args[0]);
    stepper_queue_move(s, s->next_interval + args[1], args[2], args[3], args[4]);
}
DECL_COMMAND(command_queue_step2, "queue_step2 oid=%c interval_delta=%i count=%hu add=%hi"
             " add2=%hi");

void
command_set_next_step_dir(uint32_t *args)
{
    struct stepper *s = stepper_oid_lookup(args[0]);
    irq_disable();
    s->flags = (s->flags & ~SF_NEXT_DIR) | (args[1] ? SF_NEXT_DIR : 0);
    irq_enable();
}
DECL_COMMAND(command_set_next_step_dir, "set_next_step_dir oid=%c dir=%c");

void
command_reset_step_clock(uint32_t *args)
{
    struct stepper *s = stepper_oid_lookup(args[0]);
    uint32_t clock = args[1];
    irq_disable();
    if (s->count)
        shutdown("Can't reset time when stepper active");
    s->step_time = s->timer.waketime = clock;
    s->next_interval = 0;
    s->flags &= ~SF_NEED_RESET;
    irq_enable();
}
DECL_COMMAND(command_reset_step_clock, "reset_step_clock oid=%c clock=%u");

// Net steps taken so far (interrupts off).
static int32_t
stepper_position(struct stepper *s)
{
    int32_t pending = s->count;
    if (s->flags & SF_PULSE_HIGH)
        pending--;
    return s->position - ((s->flags & SF_DIR) ? pending : -pending);
}

void
command_stepper_get_position(uint32_t *args)
{
    uint8_t oid = args[0];
    struct stepper *s = stepper_oid_lookup(oid);
    irq_disable();
    int32_t position = stepper_position(s);
    irq_enable();
    sendf("stepper_position oid=%c pos=%i", oid, position);
}
DECL_COMMAND(command_stepper_get_position, "stepper_get_position oid=%c");

// Stops at once: the queue is dropped and queue_step waits for reset_step_clock.
static void
stepper_stop(struct trsync_signal *tss, uint8_t reason UNUSED)
{
    struct stepper *s = container_of(tss, struct stepper, stop_signal);
    sched_del_timer(&s->timer);
    s->position = stepper_position(s);
    s->count = 0;
    if (s->flags & SF_PULSE_HIGH) {
        gpio_out_write(s->step_pin, !!(s->flags & SF_INVERT_STEP));
        s->timer.func = stepper_event_step;
    }
    s->flags = (s->flags & ~SF_PULSE_HIGH) | SF_NEED_RESET;
    while (!move_queue_empty(&s->mq))
        move_free(move_queue_pop(&s->mq));
}

void
command_stepper_stop_on_trigger(uint32_t *args)
{
    struct stepper *s = stepper_oid_lookup(args[0]);
    struct trsync *ts = trsync_oid_lookup(args[1]);
    trsync_add_signal(ts, &s->stop_signal, stepper_stop);
}
DECL_COMMAND(command_stepper_stop_on_trigger, "stepper_stop_on_trigger oid=%c trsync_oid=%c");

void
stepper_shutdown(void)
{
    uint8_t oid;
    struct stepper *s;
    foreach_oid(oid, s, &stepper_kind) {
        // The move queue is rebuilt by the shutdown; forget this stepper's part of it.
        move_queue_clear(&s->mq);
        stepper_stop(&s->stop_signal, 0);
    }
}
DECL_SHUTDOWN(stepper_shutdown);
