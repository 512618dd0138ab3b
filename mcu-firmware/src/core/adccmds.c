// Analog inputs: sample_count conversions sample_ticks apart, summed, every rest_ticks;
// sums are range-checked (a thermistor gone open or short shuts the heaters down) and
// reported in batches of bytes_per_report / 2 little-endian 16-bit values.
#include "basecmd.h"
#include "board.h"
#include "command.h"
#include "sched.h"

#define REPORT_BYTES_MAX 48

struct analog_in {
    struct timer timer;
    uint32_t rest_ticks, sample_ticks, window_start;
    uint16_t sum, min_value, max_value;
    struct gpio_adc pin;
    uint8_t invalid_count, range_check_count;
    uint8_t samples_taken, sample_count, report_pending;
    uint8_t bytes_per_report, report_len;
    uint8_t report[REPORT_BYTES_MAX];
};

DEFINE_OID_KIND(analog_in_kind, "analog_in");
static struct task_wake analog_wake;

static uint_fast8_t
analog_in_event(struct timer *t)
{
    struct analog_in *a = container_of(t, struct analog_in, timer);
    uint32_t wait = gpio_adc_sample(a->pin);
    if (wait) {
        // The conversion is still running: come back when it is done.
        t->waketime += wait;
        return SF_RESCHEDULE;
    }
    uint16_t value = gpio_adc_read(a->pin);
    a->sum = a->samples_taken ? a->sum + value : value;
    if (++a->samples_taken < a->sample_count) {
        t->waketime += a->sample_ticks;
        return SF_RESCHEDULE;
    }
    if (likely(a->sum >= a->min_value && a->sum <= a->max_value)) {
        a->invalid_count = 0;
    } else if (++a->invalid_count >= a->range_check_count) {
        try_shutdown("ADC out of range");
        a->invalid_count = 0;
    }
    a->report_pending = 1;
    a->samples_taken = 0;
    sched_wake_task(&analog_wake);
    a->window_start += a->rest_ticks;
    uint32_t now = timer_read_time();
    if (unlikely(timer_is_before(a->window_start, now))) {
        // Sampling overran its window (slow conversions). Never chase the past: this timer
        // keeps running after a shutdown, when lateness no longer stops anything.
        a->window_start = now + a->rest_ticks;
    }
    t->waketime = a->window_start;
    return SF_RESCHEDULE;
}

void
command_config_analog_in(uint32_t *args)
{
    struct gpio_adc pin = gpio_adc_setup(args[1]);
    struct analog_in *a = oid_alloc(args[0], &analog_in_kind, sizeof(*a));
    a->timer.func = analog_in_event;
    a->pin = pin;
}
DECL_COMMAND(command_config_analog_in, "config_analog_in oid=%c pin=%u");

void
command_query_analog_in(uint32_t *args)
{
    struct analog_in *a = oid_lookup(args[0], &analog_in_kind);
    sched_del_timer(&a->timer);
    gpio_adc_cancel_sample(a->pin);
    a->sample_count = 0;
    // Checked before anything is stored: sampling goes on after the shutdown.
    if (args[5] > REPORT_BYTES_MAX)
        shutdown("Invalid analog_in bytes_per_report");
    if (args[3] && (uint64_t)args[2] * args[3] >= args[4])
        shutdown("Invalid analog_in timing");   // the samples would not fit the window
    a->window_start = a->timer.waketime = args[1];
    a->sample_ticks = args[2];
    a->sample_count = args[3];
    a->rest_ticks = args[4];
    a->bytes_per_report = args[5];
    a->min_value = args[6];
    a->max_value = args[7];
    a->range_check_count = args[8];
    a->samples_taken = a->report_pending = a->report_len = a->invalid_count = 0;
    if (!a->sample_count)
        return;
    sched_add_timer(&a->timer);
}
DECL_COMMAND(command_query_analog_in, "query_analog_in oid=%c clock=%u sample_ticks=%u"
             " sample_count=%c rest_ticks=%u bytes_per_report=%c min_value=%hu"
             " max_value=%hu range_check_count=%c");

void
analog_in_task(void)
{
    if (!sched_check_wake(&analog_wake))
        return;
    uint8_t oid;
    struct analog_in *a;
    foreach_oid(oid, a, &analog_in_kind) {
        irq_disable();
        if (!a->report_pending) {
            irq_enable();
            continue;
        }
        a->report_pending = 0;
        uint16_t sum = a->sum;
        uint32_t next_clock = a->window_start;
        irq_enable();
        a->report[a->report_len++] = (uint8_t)sum;
        a->report[a->report_len++] = sum >> 8;
        if (a->report_len + 2 > a->bytes_per_report) {
            sendf("analog_in_state oid=%c next_clock=%u values=%*s",
                  oid, next_clock, a->report_len, ESC_PTR(a->report));
            a->report_len = 0;
        }
    }
}
DECL_TASK(analog_in_task);

void
analog_in_shutdown(void)
{
    // Keep sampling after a shutdown, so the host still sees temperatures.
    uint8_t oid;
    struct analog_in *a;
    foreach_oid(oid, a, &analog_in_kind) {
        gpio_adc_cancel_sample(a->pin);
        if (a->sample_count) {
            a->samples_taken = 0;
            a->window_start = timer_read_time() + a->rest_ticks;
            a->timer.waketime = a->window_start;
            sched_add_timer(&a->timer);
        }
    }
}
DECL_SHUTDOWN(analog_in_shutdown);
