// Stepper timing: every step at t0 + k*interval + add*k*(k-1)/2, positions, direction
// changes, homing stops, and the shutdowns of impossible schedules.
#include <string.h>
#include "fakeboard.h"
#include "mcu.h"
#include "sched.h"
#include "test.h"

enum { STEP = 10, DIR = 11, STEP2 = 12, DIR2 = 13, ENDSTOP = 20 };

// Times of the pin's edges to `level` (toggles count both ways in edge mode).
static int
edges(int pin, int level, uint32_t *at, int max)
{
    int n = 0;
    size_t i;
    for (i = 0; i < fake_event_count && n < max; i++)
        if (fake_events[i].pin == pin && (level < 0 || fake_events[i].value == level))
            at[n++] = fake_events[i].clock;
    return n;
}

static void
setup(const char *stepper_config)
{
    mcu_start();
    mcu_send("allocate_oids count=4");
    mcu_send("%s", stepper_config);
    mcu_send("config_trsync oid=1");
    mcu_send("config_endstop oid=2 pin=%d pull_up=0", ENDSTOP);
    mcu_send("finalize_config crc=0");
    fake_event_count = 0;
}

static long long
position(void)
{
    mcu_clear();
    mcu_send("stepper_get_position oid=0");
    return mcu_param(mcu_last("stepper_position"), "pos");
}

static void
check_schedule(int level, uint32_t t0, uint32_t interval, int add, int count, int first)
{
    static uint32_t at[5000];
    int n = edges(STEP, level, at, 5000), k;
    CHECK_EQ(n - first >= count, 1);
    for (k = 1; k <= count && first + k - 1 < n; k++) {
        uint32_t want = t0 + (uint32_t)k * interval + (uint32_t)(add * (k - 1) * k / 2);
        if (at[first + k - 1] != want) {
            CHECK_EQ(at[first + k - 1], want);
            break;
        }
    }
}

TEST(full_mode_steps_follow_interval_and_add_exactly)
{
    setup("config_stepper oid=0 step_pin=10 dir_pin=11 invert_step=0 step_pulse_ticks=100");
    mcu_send("reset_step_clock oid=0 clock=1000000");
    mcu_send("set_next_step_dir oid=0 dir=1");
    mcu_send("queue_step oid=0 interval=20000 count=50 add=-37");
    mcu_send("queue_step oid=0 interval=19000 count=20 add=25");
    mcu_run_until(10000000);
    // Rising edges at the exact times; each pulse lasts step_pulse_ticks.
    check_schedule(1, 1000000, 20000, -37, 50, 0);
    uint32_t last = 1000000 + 50 * 20000 - 37 * 49 * 50 / 2;
    check_schedule(1, last, 19000, 25, 20, 50);
    static uint32_t up[100], down[100];
    int n = edges(STEP, 1, up, 100), m = edges(STEP, 0, down, 100), i;
    CHECK_EQ(n, 70);
    CHECK_EQ(m, 70);
    for (i = 0; i < n && i < m; i++)
        CHECK_EQ(down[i] - up[i], 100);
    CHECK_EQ(position(), 70);
}

// Step times of queue_step2 moves worked out the slow way: interval, add and add2 evolve
// one step at a time, and each move's first interval is relative to the one before.
static int
expected_cubic(uint32_t t0, const int32_t (*moves)[4], int nmoves, uint32_t *want)
{
    uint32_t t = t0, next_interval = 0;
    int n = 0, i, k;
    for (i = 0; i < nmoves; i++) {
        uint32_t interval = next_interval + (uint32_t)moves[i][0];
        int32_t add = moves[i][2];
        for (k = 0; k < moves[i][1]; k++) {
            t += interval;
            want[n++] = t;
            interval += add;
            add += moves[i][3];
        }
        next_interval = interval;
    }
    return n;
}

static void
check_cubic_moves(const char *config, int level)
{
    static const int32_t moves[3][4] = {
        // interval_delta, count, add, add2
        {30000, 60, -400, 9},
        {-150, 25, 20, -3},
        {700, 1, 0, 0},
    };
    static uint32_t want[100], at[200];
    setup(config);
    mcu_send("reset_step_clock oid=0 clock=1000000");
    mcu_send("set_next_step_dir oid=0 dir=1");
    int i;
    for (i = 0; i < 3; i++)
        mcu_send("queue_step2 oid=0 interval_delta=%d count=%d add=%d add2=%d", (int)moves[i][0],
                 (int)moves[i][1], (int)moves[i][2], (int)moves[i][3]);
    mcu_run_until(10000000);
    int n = expected_cubic(1000000, moves, 3, want);
    int m = edges(STEP, level, at, 200);
    CHECK_EQ(m, n);
    for (i = 0; i < n && i < m; i++)
        if (at[i] != want[i]) {
            CHECK_EQ(at[i], want[i]);
            break;
        }
    CHECK_EQ(position(), n);
}

TEST(queue_step2_follows_add2_and_relative_intervals_in_full_mode)
{
    check_cubic_moves("config_stepper oid=0 step_pin=10 dir_pin=11 invert_step=0"
                      " step_pulse_ticks=100", 1);
}

TEST(queue_step2_follows_add2_and_relative_intervals_in_edge_mode)
{
    check_cubic_moves("config_stepper oid=0 step_pin=10 dir_pin=11 invert_step=-1"
                      " step_pulse_ticks=0", -1);
}

TEST(reset_step_clock_makes_the_next_queue_step2_interval_absolute)
{
    setup("config_stepper oid=0 step_pin=10 dir_pin=11 invert_step=0 step_pulse_ticks=50");
    mcu_send("reset_step_clock oid=0 clock=1000000");
    mcu_send("queue_step2 oid=0 interval_delta=10000 count=3 add=1000 add2=0");
    mcu_run_until(2000000);
    // That move would go on with 13000; after a reset the delta is the interval itself.
    mcu_send("reset_step_clock oid=0 clock=3000000");
    mcu_send("queue_step2 oid=0 interval_delta=5000 count=2 add=0 add2=0");
    mcu_run_until(4000000);
    static uint32_t at[10];
    CHECK_EQ(edges(STEP, 1, at, 10), 5);
    CHECK_EQ(at[3], 3005000);
    CHECK_EQ(at[4], 3010000);
}

TEST(edge_mode_toggles_once_per_step)
{
    setup("config_stepper oid=0 step_pin=10 dir_pin=11 invert_step=-1 step_pulse_ticks=0");
    mcu_send("reset_step_clock oid=0 clock=500000");
    mcu_send("queue_step oid=0 interval=1000 count=300 add=3");
    mcu_run_until(5000000);
    check_schedule(-1, 500000, 1000, 3, 300, 0);
    CHECK_EQ(position(), -300);   // dir stays 0: the negative direction
}

TEST(direction_changes_between_moves_and_position_follows)
{
    setup("config_stepper oid=0 step_pin=10 dir_pin=11 invert_step=0 step_pulse_ticks=50");
    mcu_send("reset_step_clock oid=0 clock=200000");
    mcu_send("set_next_step_dir oid=0 dir=1");
    mcu_send("queue_step oid=0 interval=10000 count=30 add=0");
    mcu_send("set_next_step_dir oid=0 dir=0");
    mcu_send("queue_step oid=0 interval=10000 count=12 add=0");
    mcu_run_until(200000 + 15 * 10000 + 5000);
    CHECK_EQ(position(), 15);
    CHECK_EQ(fake_level[DIR], 1);
    mcu_run_until(200000 + 30 * 10000 + 5000);
    CHECK_EQ(position(), 30);
    mcu_run_until(2000000);
    CHECK_EQ(position(), 18);
    CHECK_EQ(fake_level[DIR], 0);
    // The dir pin changed after the 30th step and before the first step back.
    static uint32_t up[64], dir[8];
    int n = edges(STEP, 1, up, 64), d = edges(DIR, 0, dir, 8);
    CHECK_EQ(n, 42);
    CHECK(d >= 1 && dir[d - 1] > up[29] && dir[d - 1] < up[30]);
}

TEST(position_is_exact_in_the_middle_of_a_move)
{
    setup("config_stepper oid=0 step_pin=10 dir_pin=11 invert_step=0 step_pulse_ticks=50");
    mcu_send("reset_step_clock oid=0 clock=100000");
    mcu_send("set_next_step_dir oid=0 dir=1");
    mcu_send("queue_step oid=0 interval=10000 count=100 add=0");
    mcu_run_until(100000 + 37 * 10000 + 10);   // just after the 37th step edge
    CHECK_EQ(position(), 37);
}

TEST(queue_step_with_count_zero_shuts_down)
{
    setup("config_stepper oid=0 step_pin=10 dir_pin=11 invert_step=0 step_pulse_ticks=50");
    CHECK_EQ(mcu_send("queue_step oid=0 interval=100 count=0 add=0"),
             mcu_reason_id("Invalid count parameter"));
}

TEST(a_first_step_already_past_is_timer_too_close)
{
    setup("config_stepper oid=0 step_pin=10 dir_pin=11 invert_step=0 step_pulse_ticks=50");
    fake_now = 5000000;
    mcu_send("reset_step_clock oid=0 clock=1000000");
    CHECK_EQ(mcu_send("queue_step oid=0 interval=1000 count=5 add=0"),
             mcu_reason_id("Timer too close"));
    // The stepper stopped, step pin back low.
    CHECK_EQ(fake_level[STEP], 0);
}

TEST(a_move_starting_before_the_last_step_ends_is_too_far_in_past)
{
    setup("config_stepper oid=0 step_pin=10 dir_pin=11 invert_step=0 step_pulse_ticks=100");
    mcu_send("reset_step_clock oid=0 clock=100000");
    mcu_send("queue_step oid=0 interval=10000 count=10 add=0");
    // Next move's first step 2 ms (100000 ticks) before the previous one:
    // interval wraps to a huge negative.
    mcu_send("queue_step oid=0 interval=%u count=5 add=0", (uint32_t)-100000);
    CHECK_EQ(mcu_run_until(1000000), mcu_reason_id("Stepper too far in past"));
}

TEST(a_slightly_early_move_is_pushed_back_not_shut_down)
{
    setup("config_stepper oid=0 step_pin=10 dir_pin=11 invert_step=0 step_pulse_ticks=100");
    mcu_send("reset_step_clock oid=0 clock=100000");
    mcu_send("queue_step oid=0 interval=10000 count=3 add=0");
    mcu_send("queue_step oid=0 interval=50 count=2 add=0");   // inside the last pulse
    CHECK_EQ(mcu_run_until(1000000), 0);
    static uint32_t up[8];
    int n = edges(STEP, 1, up, 8);
    CHECK_EQ(n, 5);
    // 100 ticks high and 100 low at least.
    CHECK(up[3] >= up[2] + 200);
}

TEST(reset_step_clock_while_stepping_shuts_down)
{
    setup("config_stepper oid=0 step_pin=10 dir_pin=11 invert_step=0 step_pulse_ticks=50");
    mcu_send("reset_step_clock oid=0 clock=100000");
    mcu_send("queue_step oid=0 interval=10000 count=10 add=0");
    mcu_run_until(130000);
    CHECK_EQ(mcu_send("reset_step_clock oid=0 clock=0"),
             mcu_reason_id("Can't reset time when stepper active"));
}

TEST(too_many_queued_moves_is_a_queue_overflow)
{
    setup("config_stepper oid=0 step_pin=10 dir_pin=11 invert_step=0 step_pulse_ticks=50");
    mcu_send("get_config");
    long long slots = mcu_param(mcu_last("config"), "move_count");
    CHECK(slots > 10);
    mcu_send("reset_step_clock oid=0 clock=100000");
    // The first move leaves the queue as it starts, so slots + 1 fit.
    int i, reason = 0;
    for (i = 0; i <= slots + 1 && !reason; i++)
        reason = mcu_send("queue_step oid=0 interval=1000 count=1 add=0");
    CHECK_EQ(reason, mcu_reason_id("Move queue overflow"));
    CHECK_EQ(i, slots + 2);
}

TEST(homing_stops_the_stepper_when_the_endstop_triggers)
{
    setup("config_stepper oid=0 step_pin=10 dir_pin=11 invert_step=0 step_pulse_ticks=50");
    uint32_t start = 100000;
    mcu_send("trsync_start oid=1 report_clock=%u report_ticks=500000 expire_reason=4", start);
    mcu_send("stepper_stop_on_trigger oid=0 trsync_oid=1");
    mcu_send("trsync_set_timeout oid=1 clock=%u", start + 50000000);
    mcu_send("endstop_home oid=2 clock=%u sample_ticks=100 sample_count=4 rest_ticks=1000"
             " pin_value=1 trsync_oid=1 trigger_reason=1", start);
    mcu_send("reset_step_clock oid=0 clock=%u", start);
    mcu_send("set_next_step_dir oid=0 dir=0");
    mcu_send("queue_step oid=0 interval=5000 count=1000 add=0");
    mcu_run_until(start + 100 * 5000 + 2000);
    CHECK_EQ(position(), -100);
    // The endstop closes now; four samples 100 ticks apart confirm it.
    fake_input[ENDSTOP] = 1;
    uint32_t closed = start + 100 * 5000 + 2000;
    mcu_clear();
    mcu_run_until(closed + 100000);
    const char *r = mcu_last("trsync_state");
    CHECK(r != NULL);
    CHECK_EQ(mcu_param(r, "can_trigger"), 0);
    CHECK_EQ(mcu_param(r, "trigger_reason"), 1);
    CHECK_EQ(position(), -100);
    // No more steps; queue_step is ignored until reset_step_clock.
    static uint32_t up[2000];
    int before = edges(STEP, 1, up, 2000);
    mcu_send("queue_step oid=0 interval=5000 count=10 add=0");
    mcu_run_until(closed + 50000000);
    CHECK_EQ(edges(STEP, 1, up, 2000), before);
    // The endstop reports when the trigger poll matched.
    mcu_clear();
    mcu_send("endstop_query_state oid=2");
    r = mcu_last("endstop_state");
    CHECK_EQ(mcu_param(r, "pin_value"), 1);
    long long next_clock = mcu_param(r, "next_clock");
    CHECK(next_clock > closed && next_clock <= closed + 2000);
}

TEST(trsync_expires_with_its_reason_when_the_host_goes_quiet)
{
    setup("config_stepper oid=0 step_pin=10 dir_pin=11 invert_step=0 step_pulse_ticks=50");
    mcu_send("trsync_start oid=1 report_clock=100000 report_ticks=100000 expire_reason=4");
    mcu_send("stepper_stop_on_trigger oid=0 trsync_oid=1");
    mcu_send("trsync_set_timeout oid=1 clock=400000");
    mcu_send("reset_step_clock oid=0 clock=100000");
    mcu_send("queue_step oid=0 interval=1000 count=1000 add=0");
    mcu_run_until(2000000);
    CHECK_EQ(mcu_param(mcu_last("trsync_state"), "trigger_reason"), 4);
    // Steps at 101000..399000; the expiry at 400000 wins the tie with the 300th step.
    CHECK_EQ(position(), -299);
}
