// trsync: the rendezvous of a homing move. Endstops (or a timeout, or the host) trigger
// it once; that stops every stepper attached to it and is reported to the host, which
// keeps pushing the timeout out while it hears trsync_state reports.
#include "basecmd.h"
#include "board.h"
#include "command.h"
#include "sched.h"
#include "trsync.h"

struct trsync {
    struct timer report_timer, expire_timer;
    uint32_t report_ticks;
    struct trsync_signal *signals;
    uint8_t flags, trigger_reason, expire_reason;
};

enum { TSF_CAN_TRIGGER = 1 << 0, TSF_REPORT = 1 << 1 };

DEFINE_OID_KIND(trsync_kind, "trsync");
static struct task_wake trsync_wake;

void
trsync_do_trigger(struct trsync *ts, uint8_t reason)
{
    irqstatus_t flag = irq_save();
    if (ts->flags & TSF_CAN_TRIGGER) {
        ts->trigger_reason = reason;
        ts->flags = (ts->flags & ~TSF_CAN_TRIGGER) | TSF_REPORT;
        while (ts->signals) {
            struct trsync_signal *tss = ts->signals;
            trsync_callback_t func = tss->func;
            ts->signals = tss->next;
            tss->next = NULL;
            tss->func = NULL;
            func(tss, reason);
        }
        sched_wake_task(&trsync_wake);
    }
    irq_restore(flag);
}

static uint_fast8_t
trsync_expire_event(struct timer *t)
{
    struct trsync *ts = container_of(t, struct trsync, expire_timer);
    trsync_do_trigger(ts, ts->expire_reason);
    return SF_DONE;
}

static uint_fast8_t
trsync_report_event(struct timer *t)
{
    struct trsync *ts = container_of(t, struct trsync, report_timer);
    ts->flags |= TSF_REPORT;
    sched_wake_task(&trsync_wake);
    t->waketime += ts->report_ticks;
    return SF_RESCHEDULE;
}

void
command_config_trsync(uint32_t *args)
{
    struct trsync *ts = oid_alloc(args[0], &trsync_kind, sizeof(*ts));
    ts->report_timer.func = trsync_report_event;
    ts->expire_timer.func = trsync_expire_event;
}
DECL_COMMAND(command_config_trsync, "config_trsync oid=%c");

struct trsync *
trsync_oid_lookup(uint8_t oid)
{
    return oid_lookup(oid, &trsync_kind);
}

void
trsync_add_signal(struct trsync *ts, struct trsync_signal *tss, trsync_callback_t func)
{
    irqstatus_t flag = irq_save();
    if (tss->func)
        shutdown("Can't add signal that is already active");
    tss->func = func;
    tss->next = ts->signals;
    ts->signals = tss;
    irq_restore(flag);
}

static void
trsync_clear(struct trsync *ts)
{
    sched_del_timer(&ts->report_timer);
    sched_del_timer(&ts->expire_timer);
    struct trsync_signal *tss = ts->signals;
    while (tss) {
        struct trsync_signal *next = tss->next;
        tss->func = NULL;
        tss->next = NULL;
        tss = next;
    }
    ts->signals = NULL;
    ts->flags = ts->trigger_reason = ts->expire_reason = 0;
}

void
command_trsync_start(uint32_t *args)
{
    struct trsync *ts = trsync_oid_lookup(args[0]);
    irq_disable();
    trsync_clear(ts);
    ts->flags = TSF_CAN_TRIGGER;
    ts->report_timer.waketime = args[1];
    ts->report_ticks = args[2];
    ts->expire_reason = args[3];
    if (ts->report_ticks)
        sched_add_timer(&ts->report_timer);
    irq_enable();
}
DECL_COMMAND(command_trsync_start, "trsync_start oid=%c report_clock=%u report_ticks=%u"
             " expire_reason=%c");

void
command_trsync_set_timeout(uint32_t *args)
{
    struct trsync *ts = trsync_oid_lookup(args[0]);
    irq_disable();
    if (ts->flags & TSF_CAN_TRIGGER) {
        sched_del_timer(&ts->expire_timer);
        ts->expire_timer.waketime = args[1];
        sched_add_timer(&ts->expire_timer);
    }
    irq_enable();
}
DECL_COMMAND(command_trsync_set_timeout, "trsync_set_timeout oid=%c clock=%u");

static void
trsync_report(uint8_t oid, uint8_t can_trigger, uint8_t reason, uint32_t clock)
{
    sendf("trsync_state oid=%c can_trigger=%c trigger_reason=%c clock=%u",
          oid, can_trigger, reason, clock);
}

void
command_trsync_trigger(uint32_t *args)
{
    uint8_t oid = args[0];
    struct trsync *ts = trsync_oid_lookup(oid);
    irq_disable();
    trsync_do_trigger(ts, args[1]);
    sched_del_timer(&ts->report_timer);
    sched_del_timer(&ts->expire_timer);
    ts->flags = 0;
    uint8_t reason = ts->trigger_reason;
    irq_enable();
    trsync_report(oid, 0, reason, 0);
}
DECL_COMMAND(command_trsync_trigger, "trsync_trigger oid=%c reason=%c");

void
trsync_task(void)
{
    if (!sched_check_wake(&trsync_wake))
        return;
    uint8_t oid;
    struct trsync *ts;
    foreach_oid(oid, ts, &trsync_kind) {
        if (!(ts->flags & TSF_REPORT))
            continue;
        uint32_t now = timer_read_time();
        irq_disable();
        uint8_t flags = ts->flags, reason = ts->trigger_reason;
        ts->flags = flags & ~TSF_REPORT;
        irq_enable();
        trsync_report(oid, !!(flags & TSF_CAN_TRIGGER), reason, now);
    }
}
DECL_TASK(trsync_task);

void
trsync_shutdown(void)
{
    uint8_t oid;
    struct trsync *ts;
    foreach_oid(oid, ts, &trsync_kind)
        trsync_clear(ts);
}
DECL_SHUTDOWN(trsync_shutdown);
