// Timers, tasks and shutdown.
//
// Timers sit in one list sorted by waketime. Two timers of the scheduler's own are always
// in it: the heartbeat (every 100 ms) and, last, the horizon, kept 2^31 ticks after the
// heartbeat. Any waketime is "before" one of the two in 32-bit wrapping arithmetic, so an
// insertion always stops by the horizon and the list needs no NULL checks when walked.
#include <string.h>
#include "board.h"
#include "sched.h"

#define HEARTBEAT_TICKS timer_from_us(100000)
#define STATS_TICKS timer_from_us(5000000)
#define STATS_SUMSQ_BASE 256
DECL_CONSTANT("STATS_SUMSQ_BASE", STATS_SUMSQ_BASE);

static uint_fast8_t heartbeat_event(struct timer *t);
static uint_fast8_t horizon_event(struct timer *t UNUSED);

static struct timer horizon = { .func = horizon_event };
static struct timer heartbeat = { .func = heartbeat_event, .next = &horizon };
static struct timer *timer_list = &heartbeat;
// The timer moved back last: the next one moved back often goes right after it (steppers
// stepping together), so the walk can start there instead of at the head.
static struct timer *insert_hint = &heartbeat;

static volatile uint8_t tasks_requested;
static uint32_t uptime_high, heartbeat_prev;
static struct task_wake stats_wake;

enum { SHUTDOWN_NONE, SHUTDOWN_DONE, SHUTDOWN_RUNNING };
static uint8_t shutdown_status;
static uint16_t shutdown_reason, pending_reason;
jmp_buf sched_shutdown_jmp;


/****************************************************************
 * Timers
 ****************************************************************/

static uint_fast8_t
heartbeat_event(struct timer *t)
{
    // Track 32-bit wraps for get_uptime, keep the horizon ahead, let the stats task run.
    uint32_t next = t->waketime + HEARTBEAT_TICKS;
    if (next < heartbeat_prev)
        uptime_high++;
    heartbeat_prev = next;
    t->waketime = next;
    horizon.waketime = next + 0x80000000u;
    sched_wake_task(&stats_wake);
    return SF_RESCHEDULE;
}

static uint_fast8_t
horizon_event(struct timer *t UNUSED)
{
    shutdown("Horizon timer reached");
}

// Insert t after pos (pos's waketime is not after t's).
static ALWAYS_INLINE void
insert_timer(struct timer *pos, struct timer *t, uint32_t waketime)
{
    struct timer *next;
    for (;;) {
        next = pos->next;
        if (timer_is_before(waketime, next->waketime))
            break;
        pos = next;
    }
    t->next = next;
    pos->next = t;
}

#if CONFIG_MACH_SIM
// The simulated MCU notes which timer came too late (board/sim/main.c).
void sim_note_late_timer(uint_fast8_t (*func)(struct timer *), uint32_t waketime,
                         uint32_t now);
#endif

void
sched_add_timer(struct timer *t)
{
    uint32_t waketime = t->waketime;
    irqstatus_t flag = irq_save();
    struct timer *head = timer_list;
    if (unlikely(timer_is_before(waketime, head->waketime))) {
        // The new earliest timer: a time already gone means the command came too late.
        uint32_t now = timer_read_time();
        if (timer_is_before(waketime, now)) {
#if CONFIG_MACH_SIM
            sim_note_late_timer(t->func, waketime, now);
#endif
            try_shutdown("Timer too close");
        }
        t->next = head;
        timer_list = t;
        timer_kick();
    } else {
        insert_timer(head, t, waketime);
    }
    irq_restore(flag);
}

void
sched_requeue_timer(struct timer *after, struct timer *t)
{
    insert_timer(after, t, t->waketime);
}

void
sched_del_timer(struct timer *t)
{
    irqstatus_t flag = irq_save();
    if (insert_hint == t)
        insert_hint = &heartbeat;
    if (timer_list == t) {
        // The board's wake-up may still fire at t's old time; it finds nothing due then.
        timer_list = t->next;
        timer_kick();
    } else {
        struct timer *pos;
        for (pos = timer_list; pos->next; pos = pos->next) {
            if (pos->next == t) {
                pos->next = t->next;
                break;
            }
        }
    }
    irq_restore(flag);
}

// The slow halves of dispatch, kept out of line so the common path stays small (and
// cheap in registers on an 8-bit AVR).
static uint32_t NOINLINE
timer_finished(struct timer *t)
{
    struct timer *next = t->next;
    timer_list = next;
    if (insert_hint == t)
        insert_hint = &heartbeat;
    return next->waketime;
}

static uint32_t NOINLINE
timer_move_back(struct timer *t, struct timer *next, uint32_t waketime)
{
    timer_list = next;
    struct timer *pos = insert_hint;
    if (pos == t || timer_is_before(waketime, pos->waketime))
        pos = next;
    insert_timer(pos, t, waketime);
    insert_hint = t;
    return next->waketime;
}

uint32_t
sched_timer_dispatch(void)
{
    struct timer *t = timer_list;
    if (unlikely(t->func(t) == SF_DONE))
        return timer_finished(t);
    // Read t->next only now: the callback may have removed timers after it.
    struct timer *next = t->next;
    uint32_t waketime = t->waketime;
    if (likely(timer_is_before(waketime, next->waketime)))
        // Still the earliest (the common case for a lone stepper): nothing moves.
        return waketime;
    return timer_move_back(t, next, waketime);
}

uint32_t
sched_next_waketime(void)
{
    return timer_list->waketime;
}

void
sched_timer_reset(void)
{
    irqstatus_t flag = irq_save();
    heartbeat.next = &horizon;
    timer_list = insert_hint = &heartbeat;
    timer_kick();
    irq_restore(flag);
}

uint32_t
sched_uptime_high(uint32_t now)
{
    irqstatus_t flag = irq_save();
    uint32_t high = uptime_high, prev = heartbeat_prev;
    irq_restore(flag);
    // heartbeat_prev is the next heartbeat, at most 100 ms ahead of now.
    if (now > prev && timer_is_before(now, prev))
        high--;
    else if (now < prev && !timer_is_before(now, prev))
        high++;
    return high;
}


/****************************************************************
 * Tasks
 ****************************************************************/

void
sched_wake_tasks(void)
{
    tasks_requested = 1;
}

void
sched_wake_task(struct task_wake *w)
{
    w->wake = 1;
    tasks_requested = 1;
}

uint_fast8_t
sched_check_wake(struct task_wake *w)
{
    if (!w->wake)
        return 0;
    w->wake = 0;
    return 1;
}

uint_fast8_t
sched_tasks_pending(void)
{
    return tasks_requested;
}

// Load statistics of the task loop, reported every 5 s like Klipper's MCUs do.
static uint32_t stats_count, stats_sum, stats_sumsq, stats_sent;

static void
stats_update(uint32_t busy)
{
    stats_count++;
    stats_sum += busy;
    uint32_t sq;
    if (busy <= 0xffff)
        sq = DIV_ROUND_UP(busy * busy, STATS_SUMSQ_BASE);
    else if (busy <= 0xfffff)
        sq = DIV_ROUND_UP(busy, STATS_SUMSQ_BASE) * busy;
    else
        sq = 0xffffffff;
    uint32_t total = stats_sumsq + sq;
    stats_sumsq = total < stats_sumsq ? 0xffffffff : total;
}

void
stats_task(void)
{
    if (!sched_check_wake(&stats_wake))
        return;
    uint32_t now = timer_read_time();
    if (now - stats_sent < STATS_TICKS)
        return;
    sendf("stats count=%u sum=%u sumsq=%u", stats_count, stats_sum, stats_sumsq);
    stats_sent = now;
    stats_count = stats_sum = stats_sumsq = 0;
}
DECL_TASK(stats_task);

void
sched_run_tasks_once(void)
{
    uint32_t start = timer_read_time();
    tasks_requested = 0;
    esc_run_tasks();
    stats_update(timer_read_time() - start);
}

static void NORETURN
run_tasks(void)
{
    for (;;) {
        irq_poll();
        if (!tasks_requested) {
            irq_disable();
            while (!tasks_requested)
                irq_wait();
            irq_enable();
        }
        sched_run_tasks_once();
    }
}


/****************************************************************
 * Shutdown
 ****************************************************************/

uint_fast8_t
sched_is_shutdown(void)
{
    return shutdown_status != SHUTDOWN_NONE;
}

uint_fast16_t
sched_shutdown_reason(void)
{
    return shutdown_reason;
}

void
sched_clear_shutdown(void)
{
    if (shutdown_status == SHUTDOWN_NONE)
        shutdown("Shutdown cleared when not shutdown");
    if (shutdown_status == SHUTDOWN_DONE)
        shutdown_status = SHUTDOWN_NONE;
}

void
sched_report_shutdown(void)
{
    sendf("is_shutdown static_string_id=%hu", shutdown_reason);
}

void
sched_shutdown(uint_fast16_t reason)
{
    irq_disable();
    pending_reason = reason;
    board_shutdown_jump(sched_shutdown_jmp);
}

void
sched_handle_shutdown(void)
{
    irq_disable();
    uint32_t now = timer_read_time();
    uint_fast8_t nested = shutdown_status == SHUTDOWN_RUNNING;
    if (shutdown_status == SHUTDOWN_NONE)
        shutdown_reason = pending_reason;
    shutdown_status = SHUTDOWN_RUNNING;
    sched_timer_reset();
    if (!nested)
        // A shutdown raised by a shutdown handler must not loop: the handlers ran once.
        esc_run_shutdown();
    shutdown_status = SHUTDOWN_DONE;
    irq_enable();
    sendf("shutdown clock=%u static_string_id=%hu", now, shutdown_reason);
}

void
sched_init(void)
{
    heartbeat_prev = heartbeat.waketime = timer_read_time() + HEARTBEAT_TICKS;
    horizon.waketime = heartbeat.waketime + 0x80000000u;
    stats_sent = heartbeat.waketime;
    heartbeat.next = &horizon;
    timer_list = insert_hint = &heartbeat;
    timer_kick();
}

#if CONFIG_MACH_TEST
// For the fuzzer: forget any shutdown and every timer, as after power-up.
void
sched_test_reset(void)
{
    shutdown_status = SHUTDOWN_NONE;
    shutdown_reason = pending_reason = 0;
    tasks_requested = 0;
    sched_init();
}
#endif

void
sched_main(void)
{
    sched_init();
    esc_run_init();
    sendf("starting");
    irq_disable();
    if (setjmp(sched_shutdown_jmp))
        sched_handle_shutdown();
    irq_enable();
    run_tasks();
}
