// Hardware PWM outputs: scheduled duty values with the same max_duration safety as
// digital outputs (a value other than the default must be refreshed in time).
#include "basecmd.h"
#include "board.h"
#include "command.h"
#include "sched.h"

struct pwm_out {
    struct timer timer;
    struct gpio_pwm pin;
    uint32_t max_duration;
    uint16_t default_value;
    struct move_queue mq;
};

struct pwm_move {
    struct move_node node;
    uint32_t waketime;
    uint16_t value;
};

DEFINE_OID_KIND(pwm_out_kind, "pwm_out");

static uint_fast8_t pwm_event(struct timer *t);

static uint_fast8_t
pwm_deadline_event(struct timer *t UNUSED)
{
    shutdown("Missed scheduling of next hard pwm event");
}

static uint_fast8_t
pwm_event(struct timer *t)
{
    struct pwm_out *p = container_of(t, struct pwm_out, timer);
    struct pwm_move *m = container_of(move_queue_pop(&p->mq), struct pwm_move, node);
    uint16_t value = m->value;
    gpio_pwm_write(p->pin, value);
    move_free(m);
    int must_refresh = value != p->default_value && p->max_duration;
    if (move_queue_empty(&p->mq)) {
        if (!must_refresh)
            return SF_DONE;
        t->waketime += p->max_duration;
        t->func = pwm_deadline_event;
        return SF_RESCHEDULE;
    }
    uint32_t next = container_of(move_queue_first(&p->mq), struct pwm_move, node)->waketime;
    if (must_refresh && timer_is_before(t->waketime + p->max_duration, next))
        shutdown("Scheduled pwm event will exceed max_duration");
    t->waketime = next;
    return SF_RESCHEDULE;
}

void
command_config_pwm_out(uint32_t *args)
{
    struct gpio_pwm pin = gpio_pwm_setup(args[1], args[2], args[3]);
    struct pwm_out *p = oid_alloc(args[0], &pwm_out_kind, sizeof(*p));
    p->pin = pin;
    p->default_value = args[4];
    p->max_duration = args[5];
    p->timer.func = pwm_event;
    move_queue_setup(&p->mq, sizeof(struct pwm_move));
}
DECL_COMMAND(command_config_pwm_out, "config_pwm_out oid=%c pin=%u cycle_ticks=%u"
             " value=%hu default_value=%hu max_duration=%u");

void
command_queue_pwm_out(uint32_t *args)
{
    struct pwm_out *p = oid_lookup(args[0], &pwm_out_kind);
    struct pwm_move *m = move_alloc();
    m->waketime = args[1];
    m->value = args[2];
    irq_disable();
    if (move_queue_push(&m->node, &p->mq)) {
        sched_del_timer(&p->timer);
        if (p->timer.func == pwm_deadline_event
            && timer_is_before(p->timer.waketime, m->waketime))
            shutdown("Scheduled pwm event will exceed max_duration");
        p->timer.func = pwm_event;
        p->timer.waketime = m->waketime;
        sched_add_timer(&p->timer);
    }
    irq_enable();
}
DECL_COMMAND(command_queue_pwm_out, "queue_pwm_out oid=%c clock=%u value=%hu");

void
command_set_pwm_out(uint32_t *args)
{
    gpio_pwm_setup(args[0], args[1], args[2]);
}
DECL_COMMAND(command_set_pwm_out, "set_pwm_out pin=%u cycle_ticks=%u value=%hu");

void
pwm_shutdown(void)
{
    uint8_t oid;
    struct pwm_out *p;
    foreach_oid(oid, p, &pwm_out_kind) {
        gpio_pwm_write(p->pin, p->default_value);
        p->timer.func = pwm_event;
        move_queue_clear(&p->mq);
    }
}
DECL_SHUTDOWN(pwm_shutdown);
