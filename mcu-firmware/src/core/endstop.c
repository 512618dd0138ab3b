// Endstops: during homing, poll a pin every rest_ticks; when it reads the wanted value,
// confirm it sample_count times sample_ticks apart, then trigger the trsync.
#include "basecmd.h"
#include "board.h"
#include "command.h"
#include "sched.h"
#include "trsync.h"

struct endstop {
    struct timer timer;
    struct gpio_in pin;
    uint32_t rest_ticks, sample_ticks, next_poll;
    struct trsync *ts;
    uint8_t flags, sample_count, samples_left, trigger_reason;
};

enum { ESF_PIN_HIGH = 1 << 0, ESF_HOMING = 1 << 1 };

DEFINE_OID_KIND(endstop_kind, "endstop");

static uint_fast8_t endstop_confirm_event(struct timer *t);

static inline int
endstop_matches(struct endstop *e)
{
    return !gpio_in_read(e->pin) == !(e->flags & ESF_PIN_HIGH);
}

static uint_fast8_t
endstop_poll_event(struct timer *t)
{
    struct endstop *e = container_of(t, struct endstop, timer);
    uint32_t next_poll = t->waketime + e->rest_ticks;
    if (!endstop_matches(e)) {
        t->waketime = next_poll;
        return SF_RESCHEDULE;
    }
    e->next_poll = next_poll;
    e->samples_left = e->sample_count;
    t->func = endstop_confirm_event;
    return endstop_confirm_event(t);
}

static uint_fast8_t
endstop_confirm_event(struct timer *t)
{
    struct endstop *e = container_of(t, struct endstop, timer);
    if (!endstop_matches(e)) {
        // A glitch: go back to polling.
        t->func = endstop_poll_event;
        t->waketime = e->next_poll;
        return SF_RESCHEDULE;
    }
    if (--e->samples_left) {
        t->waketime += e->sample_ticks;
        return SF_RESCHEDULE;
    }
    trsync_do_trigger(e->ts, e->trigger_reason);
    return SF_DONE;
}

void
command_config_endstop(uint32_t *args)
{
    struct gpio_in pin = gpio_in_setup(args[1], args[2]);
    struct endstop *e = oid_alloc(args[0], &endstop_kind, sizeof(*e));
    e->pin = pin;
}
DECL_COMMAND(command_config_endstop, "config_endstop oid=%c pin=%c pull_up=%c");

void
command_endstop_home(uint32_t *args)
{
    struct endstop *e = oid_lookup(args[0], &endstop_kind);
    sched_del_timer(&e->timer);
    e->sample_count = args[3];
    if (!e->sample_count) {
        // sample_count=0 ends homing.
        e->ts = NULL;
        e->flags = 0;
        return;
    }
    struct trsync *ts = trsync_oid_lookup(args[6]);
    e->timer.waketime = args[1];
    e->sample_ticks = args[2];
    e->rest_ticks = args[4];
    e->flags = ESF_HOMING | (args[5] ? ESF_PIN_HIGH : 0);
    e->ts = ts;
    e->trigger_reason = args[7];
    e->timer.func = endstop_poll_event;
    sched_add_timer(&e->timer);
}
DECL_COMMAND(command_endstop_home, "endstop_home oid=%c clock=%u sample_ticks=%u"
             " sample_count=%c rest_ticks=%u pin_value=%c trsync_oid=%c trigger_reason=%c");

void
command_endstop_query_state(uint32_t *args)
{
    uint8_t oid = args[0];
    struct endstop *e = oid_lookup(oid, &endstop_kind);
    irq_disable();
    uint8_t homing = !!(e->flags & ESF_HOMING);
    uint32_t next_poll = e->next_poll;
    irq_enable();
    sendf("endstop_state oid=%c homing=%c next_clock=%u pin_value=%c",
          oid, homing, next_poll, gpio_in_read(e->pin));
}
DECL_COMMAND(command_endstop_query_state, "endstop_query_state oid=%c");

void
endstop_shutdown(void)
{
    uint8_t oid;
    struct endstop *e;
    foreach_oid(oid, e, &endstop_kind) {
        e->flags = 0;
        e->ts = NULL;
    }
}
DECL_SHUTDOWN(endstop_shutdown);
