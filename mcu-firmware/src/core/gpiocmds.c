// Digital outputs: immediate or scheduled levels, software PWM, and the max_duration
// watchdog that turns a heater off when the host stops refreshing it.
//
// A scheduled output keeps an end_time: the moment its current setting must be replaced,
// either by the next queued update or, for a pin away from its default (or toggling), at
// most max_duration after it was set. Reaching end_time with nothing queued shuts down.
#include "basecmd.h"
#include "board.h"
#include "command.h"
#include "sched.h"

struct digital_out {
    struct timer timer;
    uint32_t on_ticks, off_ticks, end_time;
    uint32_t max_duration, cycle_ticks;
    struct gpio_out pin;
    struct move_queue mq;
    uint8_t flags;
};

struct digital_move {
    struct move_node node;
    uint32_t waketime, on_ticks;
};

enum {
    DF_ON = 1 << 0,           // the pin is high now
    DF_TOGGLING = 1 << 1,     // software PWM is running
    DF_CHECK_END = 1 << 2,    // end_time is set
    DF_DEFAULT_ON = 1 << 3,   // the level restored at shutdown is high
};

DEFINE_OID_KIND(digital_out_kind, "digital_out");

static uint_fast8_t digital_load_event(struct timer *t);

static uint_fast8_t
digital_toggle_event(struct timer *t)
{
    struct digital_out *d = container_of(t, struct digital_out, timer);
    gpio_out_toggle_noirq(d->pin);
    d->flags ^= DF_ON;
    uint32_t next = t->waketime + ((d->flags & DF_ON) ? d->on_ticks : d->off_ticks);
    if ((d->flags & DF_CHECK_END) && !timer_is_before(next, d->end_time)) {
        // The cycle runs into the next update (or the deadline): load it then.
        t->func = digital_load_event;
        next = d->end_time;
    }
    t->waketime = next;
    return SF_RESCHEDULE;
}

static uint_fast8_t
digital_load_event(struct timer *t)
{
    struct digital_out *d = container_of(t, struct digital_out, timer);
    if (move_queue_empty(&d->mq))
        shutdown("Missed scheduling of next digital out event");
    struct digital_move *m = container_of(move_queue_pop(&d->mq), struct digital_move, node);
    uint32_t on_ticks = m->on_ticks;
    move_free(m);
    uint8_t on = on_ticks ? DF_ON : 0;
    gpio_out_write(d->pin, on);

    uint8_t flags = on | (d->flags & DF_DEFAULT_ON);
    uint32_t end_time = 0;
    int toggling = on && on_ticks < d->cycle_ticks;
    if (toggling)
        flags |= DF_TOGGLING;
    if (d->max_duration && (toggling || !on != !(flags & DF_DEFAULT_ON))) {
        end_time = t->waketime + d->max_duration;
        flags |= DF_CHECK_END;
    }
    if (!move_queue_empty(&d->mq)) {
        uint32_t next = container_of(move_queue_first(&d->mq), struct digital_move, node)
            ->waketime;
        if ((flags & DF_CHECK_END) && timer_is_before(end_time, next))
            shutdown("Scheduled digital out event will exceed max_duration");
        end_time = next;
        flags |= DF_CHECK_END;
    }
    d->end_time = end_time;
    d->flags = flags;

    if (!toggling) {
        if (!(flags & DF_CHECK_END))
            return SF_DONE;
        t->waketime = end_time;
        return SF_RESCHEDULE;
    }
    d->on_ticks = on_ticks;
    d->off_ticks = d->cycle_ticks - on_ticks;
    uint32_t next = t->waketime + on_ticks;
    if ((flags & DF_CHECK_END) && !timer_is_before(next, end_time)) {
        t->waketime = end_time;
        return SF_RESCHEDULE;
    }
    t->func = digital_toggle_event;
    t->waketime = next;
    return SF_RESCHEDULE;
}

void
command_config_digital_out(uint32_t *args)
{
    struct gpio_out pin = gpio_out_setup(args[1], !!args[2]);
    struct digital_out *d = oid_alloc(args[0], &digital_out_kind, sizeof(*d));
    d->pin = pin;
    d->flags = (args[2] ? DF_ON : 0) | (args[3] ? DF_DEFAULT_ON : 0);
    d->max_duration = args[4];
    d->timer.func = digital_load_event;
    move_queue_setup(&d->mq, sizeof(struct digital_move));
}
DECL_COMMAND(command_config_digital_out, "config_digital_out oid=%c pin=%u value=%c"
             " default_value=%c max_duration=%u");

void
command_set_digital_out_pwm_cycle(uint32_t *args)
{
    struct digital_out *d = oid_lookup(args[0], &digital_out_kind);
    irq_disable();
    if (!move_queue_empty(&d->mq))
        shutdown("Can not set soft pwm cycle ticks while updates pending");
    d->cycle_ticks = args[1];
    irq_enable();
}
DECL_COMMAND(command_set_digital_out_pwm_cycle,
             "set_digital_out_pwm_cycle oid=%c cycle_ticks=%u");

void
command_queue_digital_out(uint32_t *args)
{
    struct digital_out *d = oid_lookup(args[0], &digital_out_kind);
    struct digital_move *m = move_alloc();
    uint32_t clock = m->waketime = args[1];
    m->on_ticks = args[2];
    irq_disable();
    if (!move_queue_push(&m->node, &d->mq)) {
        // Earlier updates are queued; the load event of the last one picks it up.
        irq_enable();
        return;
    }
    uint8_t flags = d->flags;
    if ((flags & DF_CHECK_END) && timer_is_before(d->end_time, clock))
        shutdown("Scheduled digital out event will exceed max_duration");
    d->end_time = clock;
    d->flags = flags | DF_CHECK_END;
    if (!((flags & DF_TOGGLING) && timer_is_before(d->timer.waketime, clock))) {
        // Unless a running PWM cycle will hand over at end_time, load at clock.
        sched_del_timer(&d->timer);
        d->timer.waketime = clock;
        d->timer.func = digital_load_event;
        sched_add_timer(&d->timer);
    }
    irq_enable();
}
DECL_COMMAND(command_queue_digital_out, "queue_digital_out oid=%c clock=%u on_ticks=%u");

void
command_update_digital_out(uint32_t *args)
{
    struct digital_out *d = oid_lookup(args[0], &digital_out_kind);
    sched_del_timer(&d->timer);
    if (!move_queue_empty(&d->mq))
        shutdown("update_digital_out not valid with active queue");
    uint8_t on = args[1] ? DF_ON : 0, keep = d->flags & DF_DEFAULT_ON;
    gpio_out_write(d->pin, on);
    if (d->max_duration && !on != !keep) {
        // Away from the default: the host must follow up within max_duration.
        d->timer.waketime = d->end_time = timer_read_time() + d->max_duration;
        d->timer.func = digital_load_event;
        d->flags = keep | on | DF_CHECK_END;
        sched_add_timer(&d->timer);
    } else {
        d->flags = keep | on;
    }
}
DECL_COMMAND(command_update_digital_out, "update_digital_out oid=%c value=%c");

void
command_set_digital_out(uint32_t *args)
{
    gpio_out_setup(args[0], args[1]);
}
DECL_COMMAND(command_set_digital_out, "set_digital_out pin=%u value=%c");

void
digital_out_shutdown(void)
{
    uint8_t oid;
    struct digital_out *d;
    foreach_oid(oid, d, &digital_out_kind) {
        uint8_t on = d->flags & DF_DEFAULT_ON;
        gpio_out_write(d->pin, on);
        d->flags = on ? (DF_ON | DF_DEFAULT_ON) : 0;
        d->timer.func = digital_load_event;
        move_queue_clear(&d->mq);
    }
}
DECL_SHUTDOWN(digital_out_shutdown);
