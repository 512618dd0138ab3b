// The timer list: order (across the 32-bit wrap), removal, rescheduling, the late-command
// shutdown, and the reset a shutdown does.
#include <setjmp.h>
#include <string.h>
#include "board.h"
#include "fakeboard.h"
#include "mcu.h"
#include "sched.h"
#include "test.h"

#define MAX_RUNS 64
static uint32_t run_at[MAX_RUNS];
static int run_id[MAX_RUNS], runs;

struct probe {
    struct timer timer;
    int id, repeats;
    uint32_t period;
};

static uint_fast8_t
probe_event(struct timer *t)
{
    struct probe *p = container_of(t, struct probe, timer);
    if (runs < MAX_RUNS) {
        run_at[runs] = timer_read_time();
        run_id[runs++] = p->id;
    }
    if (p->repeats-- > 0) {
        t->waketime += p->period;
        return SF_RESCHEDULE;
    }
    return SF_DONE;
}

static void
add_probe(struct probe *p, int id, uint32_t waketime, int repeats, uint32_t period)
{
    *p = (struct probe){ .timer = { .func = probe_event, .waketime = waketime }, .id = id,
                         .repeats = repeats, .period = period };
    sched_add_timer(&p->timer);
}

TEST(timers_run_in_time_order_at_their_waketime)
{
    mcu_start();
    static struct probe p[5];
    fake_now = 1000;
    add_probe(&p[0], 0, 5000, 0, 0);
    add_probe(&p[1], 1, 3000, 0, 0);
    add_probe(&p[2], 2, 4000, 0, 0);
    add_probe(&p[3], 3, 3000, 0, 0);   // equal times keep the order they were added in
    add_probe(&p[4], 4, 2000, 0, 0);
    mcu_run_until(10000);
    int want[] = { 4, 1, 3, 2, 0 };
    uint32_t at[] = { 2000, 3000, 3000, 4000, 5000 };
    int i;
    CHECK_EQ(runs, 5);
    for (i = 0; i < 5; i++) {
        CHECK_EQ(run_id[i], want[i]);
        CHECK_EQ(run_at[i], at[i]);
    }
}

TEST(timer_order_holds_across_the_32_bit_wrap)
{
    mcu_start();
    fake_now = 0xfffff000u;
    mcu_run_until(0xfffff000u);   // heartbeat and horizon move up with the clock
    static struct probe p[3];
    add_probe(&p[0], 0, 0x00000800u, 0, 0);   // after the wrap
    add_probe(&p[1], 1, 0xfffff800u, 0, 0);   // before it
    add_probe(&p[2], 2, 0x00000100u, 0, 0);
    mcu_run_until(0x00001000u);
    CHECK_EQ(runs, 3);
    CHECK_EQ(run_id[0], 1);
    CHECK_EQ(run_id[1], 2);
    CHECK_EQ(run_id[2], 0);
}

TEST(a_rescheduled_timer_interleaves_with_the_others)
{
    mcu_start();
    static struct probe a, b;
    fake_now = 0;
    add_probe(&a, 1, 1000, 3, 1000);   // 1000, 2000, 3000, 4000
    add_probe(&b, 2, 2500, 1, 1000);   // 2500, 3500
    mcu_run_until(10000);
    int want[] = { 1, 1, 2, 1, 2, 1 };
    int i;
    CHECK_EQ(runs, 6);
    for (i = 0; i < 6; i++)
        CHECK_EQ(run_id[i], want[i]);
}

TEST(a_deleted_timer_does_not_run)
{
    mcu_start();
    static struct probe a, b, c;
    fake_now = 0;
    add_probe(&a, 1, 1000, 0, 0);
    add_probe(&b, 2, 2000, 0, 0);
    add_probe(&c, 3, 3000, 0, 0);
    sched_del_timer(&b.timer);
    sched_del_timer(&a.timer);   // the earliest one too
    sched_del_timer(&b.timer);   // twice is harmless
    mcu_run_until(10000);
    CHECK_EQ(runs, 1);
    CHECK_EQ(run_id[0], 3);
}

TEST(a_timer_added_in_the_past_before_all_others_is_too_close)
{
    mcu_start();
    fake_now = 50000;
    static struct probe a;
    volatile int shut = 0;
    if (setjmp(sched_shutdown_jmp)) {
        sched_handle_shutdown();
        shut = 1;
    } else {
        add_probe(&a, 1, 40000, 0, 0);
    }
    CHECK(shut);
    CHECK_STR(mcu_reason(sched_shutdown_reason()), "Timer too close");
}

TEST(a_shutdown_drops_every_timer)
{
    mcu_start();
    static struct probe a, b;
    fake_now = 0;
    add_probe(&a, 1, 100000, 0, 0);
    add_probe(&b, 2, 200000, 0, 0);
    CHECK_EQ(mcu_send("emergency_stop"), mcu_reason_id("Command request"));
    mcu_run_until(1000000);
    CHECK_EQ(runs, 0);
    // The scheduler's own heartbeat survives: stats keep coming.
    mcu_run_until(400000000);
    CHECK(mcu_count("stats") >= 1);
}

TEST(many_timers_stay_sorted)
{
    mcu_start();
    static struct probe p[40];
    fake_now = 0;
    uint32_t seed = 12345;
    int i;
    for (i = 0; i < 40; i++) {
        seed = seed * 1103515245 + 12345;
        add_probe(&p[i], i, 1000 + (seed >> 8) % 100000, 0, 0);
    }
    mcu_run_until(200000);
    CHECK_EQ(runs, 40);
    for (i = 1; i < runs; i++)
        CHECK(run_at[i - 1] <= run_at[i]);
}
