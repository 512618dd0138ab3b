// Outputs and inputs with safety rules: scheduled digital outputs and software PWM, the
// max_duration watchdog that turns heaters off, defaults restored at shutdown, hardware
// PWM, and analog inputs with the range check.
#include <string.h>
#include "fakeboard.h"
#include "mcu.h"
#include "sched.h"
#include "test.h"

enum { HEATER = 30, FAN = 31, PWM = 32, SENSOR = 5 };
#define MS(n) ((uint32_t)(n) * 50000)   // 50 MHz fake clock

static void
setup_heater(uint32_t max_duration)
{
    mcu_start();
    mcu_send("allocate_oids count=4");
    mcu_send("config_digital_out oid=0 pin=%d value=0 default_value=0 max_duration=%u",
             HEATER, max_duration);
    mcu_send("set_digital_out_pwm_cycle oid=0 cycle_ticks=%u", MS(100));
    mcu_send("config_analog_in oid=1 pin=%d", SENSOR);
    mcu_send("config_pwm_out oid=2 pin=%d cycle_ticks=1000 value=0 default_value=0"
             " max_duration=%u", PWM, max_duration);
    mcu_send("finalize_config crc=0");
    fake_event_count = 0;
}

// Runs the clock forward in small steps, letting tasks run in between as the main loop
// would (a report waits for its task).
static int
run_in_steps(uint32_t from, uint32_t to)
{
    uint32_t t;
    int reason = 0;
    for (t = from; t < to && !reason; t += MS(10))
        reason = mcu_run_until(t);
    return reason ? reason : mcu_run_until(to);
}

// Fraction of [from, to) the pin spends high, from the recorded edges.
static double
duty(int pin, uint32_t from, uint32_t to, int initial)
{
    uint64_t high = 0;
    uint32_t t = from;
    int level = initial;
    size_t i;
    for (i = 0; i < fake_event_count; i++) {
        if (fake_events[i].pin != pin || fake_events[i].clock < from)
            continue;
        if (fake_events[i].clock >= to)
            break;
        if (level)
            high += fake_events[i].clock - t;
        t = fake_events[i].clock;
        level = fake_events[i].value;
    }
    if (level)
        high += to - t;
    return (double)high / (to - from);
}

TEST(soft_pwm_gives_the_asked_duty)
{
    setup_heater(MS(3000));
    mcu_send("queue_digital_out oid=0 clock=%u on_ticks=%u", MS(100), MS(30));
    mcu_send("queue_digital_out oid=0 clock=%u on_ticks=%u", MS(1100), MS(75));
    mcu_run_until(MS(2100));
    double a = duty(HEATER, MS(100), MS(1100), 0), b = duty(HEATER, MS(1100), MS(2100), 0);
    CHECK(a > 0.299 && a < 0.301);
    CHECK(b > 0.749 && b < 0.751);
    CHECK(!sched_is_shutdown());
}

TEST(a_heater_the_host_stops_refreshing_is_turned_off)
{
    setup_heater(MS(3000));
    mcu_send("queue_digital_out oid=0 clock=%u on_ticks=%u", MS(100), MS(100));   // full on
    mcu_run_until(MS(2000));
    CHECK_EQ(fake_level[HEATER], 1);
    // No update within max_duration (3 s): shutdown, pin to its default.
    CHECK_EQ(mcu_run_until(MS(3200)), mcu_reason_id("Missed scheduling of next digital out event"));
    CHECK_EQ(fake_level[HEATER], 0);
    CHECK(sched_is_shutdown());
}

TEST(refreshed_heater_keeps_running)
{
    setup_heater(MS(3000));
    uint32_t t;
    for (t = MS(100); t < MS(20000); t += MS(1000)) {
        mcu_send("queue_digital_out oid=0 clock=%u on_ticks=%u", t, MS(50));
        mcu_run_until(t + MS(500));
    }
    CHECK(!sched_is_shutdown());
}

TEST(an_update_scheduled_beyond_max_duration_is_refused)
{
    setup_heater(MS(3000));
    mcu_send("queue_digital_out oid=0 clock=%u on_ticks=%u", MS(100), MS(100));
    CHECK_EQ(mcu_send("queue_digital_out oid=0 clock=%u on_ticks=0", MS(100) + MS(3500)), 0);
    CHECK_EQ(mcu_run_until(MS(200)),
             mcu_reason_id("Scheduled digital out event will exceed max_duration"));
    CHECK_EQ(fake_level[HEATER], 0);
}

TEST(update_digital_out_away_from_default_also_needs_a_refresh)
{
    setup_heater(MS(3000));
    mcu_send("update_digital_out oid=0 value=1");
    CHECK_EQ(fake_level[HEATER], 1);
    CHECK_EQ(mcu_run_until(MS(3100)), mcu_reason_id("Missed scheduling of next digital out event"));
    CHECK_EQ(fake_level[HEATER], 0);
}

TEST(emergency_stop_restores_every_default)
{
    mcu_start();
    mcu_send("allocate_oids count=3");
    mcu_send("config_digital_out oid=0 pin=%d value=1 default_value=0 max_duration=0", HEATER);
    mcu_send("config_digital_out oid=1 pin=%d value=0 default_value=1 max_duration=0", FAN);
    mcu_send("config_pwm_out oid=2 pin=%d cycle_ticks=1000 value=200 default_value=10"
             " max_duration=0", PWM);
    mcu_send("finalize_config crc=0");
    CHECK_EQ(fake_level[HEATER], 1);
    CHECK_EQ(fake_level[FAN], 0);
    fake_event_count = 0;
    CHECK_EQ(mcu_send("emergency_stop"), mcu_reason_id("Command request"));
    CHECK_EQ(fake_level[HEATER], 0);
    CHECK_EQ(fake_level[FAN], 1);
    CHECK(fake_event_count >= 3);
    CHECK_EQ(fake_events[fake_event_count - 1].pin, PWM);
    CHECK_EQ(fake_events[fake_event_count - 1].value, 10);
}

TEST(hardware_pwm_applies_values_on_time_and_times_out)
{
    setup_heater(MS(3000));
    mcu_send("queue_pwm_out oid=2 clock=%u value=128", MS(100));
    mcu_send("queue_pwm_out oid=2 clock=%u value=64", MS(200));
    mcu_run_until(MS(250));
    CHECK(fake_event_count >= 2);
    CHECK_EQ(fake_events[0].clock, MS(100));
    CHECK_EQ(fake_events[0].value, 128);
    CHECK_EQ(fake_events[1].clock, MS(200));
    CHECK_EQ(fake_events[1].value, 64);
    CHECK_EQ(mcu_run_until(MS(3300)), mcu_reason_id("Missed scheduling of next hard pwm event"));
    CHECK_EQ(fake_events[fake_event_count - 1].value, 0);
}

TEST(analog_in_reports_sums_in_batches)
{
    setup_heater(0);
    fake_adc[SENSOR] = 1000;
    mcu_send("query_analog_in oid=1 clock=%u sample_ticks=1000 sample_count=8 rest_ticks=%u"
             " bytes_per_report=6 min_value=0 max_value=65535 range_check_count=4",
             MS(100), MS(300));
    run_in_steps(0, MS(100) + 2 * MS(300) + 10000);
    const char *r = mcu_last("analog_in_state");
    CHECK(r != NULL);
    // Three sums of 8 x 1000 = 8000 (0x1f40, little-endian) in one report.
    CHECK(r && strstr(r, "values=401f401f401f"));
    CHECK_EQ(mcu_param(r, "next_clock"), MS(100) + 3 * MS(300));
}

TEST(an_open_thermistor_shuts_down_after_range_check_count_bad_readings)
{
    setup_heater(MS(3000));
    mcu_send("queue_digital_out oid=0 clock=%u on_ticks=%u", MS(100), MS(100));
    fake_adc[SENSOR] = 2000;
    mcu_send("query_analog_in oid=1 clock=%u sample_ticks=1000 sample_count=4 rest_ticks=%u"
             " bytes_per_report=2 min_value=1000 max_value=15000 range_check_count=3",
             MS(100), MS(300));
    run_in_steps(0, MS(1050));
    CHECK(!sched_is_shutdown());
    fake_adc[SENSOR] = 4095;   // 4 x 4095 = 16380, above max_value
    // Windows at 1300 and 1600 ms read bad: two of three, not yet.
    CHECK_EQ(run_in_steps(MS(1050), MS(1650)), 0);
    CHECK(!sched_is_shutdown());
    CHECK_EQ(run_in_steps(MS(1650), MS(1950)), mcu_reason_id("ADC out of range"));
    CHECK_EQ(fake_level[HEATER], 0);
    // Temperatures keep coming after the shutdown.
    mcu_clear();
    run_in_steps(MS(1950), MS(4000));
    CHECK(mcu_count("analog_in_state") >= 5);
}

// Found by the fuzzer: the rejected query used to stay stored, and sampling (which goes
// on after a shutdown) then wrote reports past the end of the buffer.
TEST(a_too_large_bytes_per_report_shuts_down_without_sampling_on)
{
    setup_heater(0);
    CHECK_EQ(mcu_send("query_analog_in oid=1 clock=%u sample_ticks=1000 sample_count=1"
                      " rest_ticks=%u bytes_per_report=200 min_value=0 max_value=65535"
                      " range_check_count=0", MS(100), MS(10)),
             mcu_reason_id("Invalid analog_in bytes_per_report"));
    mcu_clear();
    run_in_steps(0, MS(2000));
    CHECK_EQ(mcu_count("analog_in_state"), 0);
}

// Found by the fuzzer: with rest_ticks 0 the sampling timer never moved forward, and since
// it keeps running after a shutdown (when lateness stops nothing) it took the whole CPU.
TEST(an_analog_schedule_that_cannot_advance_is_refused)
{
    setup_heater(0);
    CHECK_EQ(mcu_send("query_analog_in oid=1 clock=%u sample_ticks=1000 sample_count=8"
                      " rest_ticks=0 bytes_per_report=2 min_value=0 max_value=65535"
                      " range_check_count=0", MS(100)),
             mcu_reason_id("Invalid analog_in timing"));
    uint64_t runs = fake_timer_runs;
    run_in_steps(0, MS(1000));
    CHECK(fake_timer_runs - runs < 100);
}

TEST(set_digital_out_drives_an_unmanaged_pin)
{
    mcu_start();
    mcu_send("set_digital_out pin=40 value=1");
    CHECK_EQ(fake_level[40], 1);
    mcu_send("set_digital_out pin=40 value=0");
    CHECK_EQ(fake_level[40], 0);
    CHECK_EQ(mcu_send("set_digital_out pin=4000 value=1"), mcu_reason_id("Not an output pin"));
}
