// Step-rate benchmark, measured the way Klipper measures its MCUs (docs/firmware.md):
// configure three steppers, queue 60000 steps at a fixed interval on 1 (or 3) of them,
// and bisect the smallest interval that completes without a shutdown.
//
//   bench-steprate [-v] [--firmware ELF] [--steppers 1,3] [--late-limit-us N] [--ticks N]
//                  sim|atmega2560
// (--ticks: a single run at that interval instead of the bisection.)
//
// The sim runs real-time (-r), waits for near timers awake (a sleeping process can wake up
// a millisecond late) and has a real chip's late limit of 1 ms (--late-limit-us); the
// atmega2560
// runs in simavr, where the clock is the simulated cycle count, so its figures are exact.
#define _GNU_SOURCE
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "mcuclient.h"

#define STEPS 60000

struct board {
    const char *name, *firmware;
    const char *config[4];          // config_stepper commands for oids 0..2
    unsigned first_guess;
};

static const struct board boards[] = {
    { "sim", "out/sim/escapement.elf", {
          "config_stepper oid=0 step_pin=gpio0 dir_pin=gpio1 invert_step=-1 step_pulse_ticks=0",
          "config_stepper oid=1 step_pin=gpio2 dir_pin=gpio3 invert_step=-1 step_pulse_ticks=0",
          "config_stepper oid=2 step_pin=gpio4 dir_pin=gpio5 invert_step=-1 step_pulse_ticks=0",
      }, 200 },
    { "atmega2560", "out/atmega2560/escapement.elf", {
          "config_stepper oid=0 step_pin=PA5 dir_pin=PA4 invert_step=0 step_pulse_ticks=32",
          "config_stepper oid=1 step_pin=PA3 dir_pin=PA2 invert_step=0 step_pulse_ticks=32",
          "config_stepper oid=2 step_pin=PC7 dir_pin=PC6 invert_step=0 step_pulse_ticks=32",
      }, 1000 },
};

static pid_t child;
static const char *sim_late_limit = "1000";
static char link_path[64];

static void
stop_child(void)
{
    if (child > 0) {
        kill(child, SIGTERM);
        waitpid(child, NULL, 0);
        child = 0;
    }
    unlink(link_path);
}

static void
on_signal(int sig)
{
    stop_child();
    _exit(128 + sig);
}

static int
start_target(const struct board *b, const char *firmware)
{
    snprintf(link_path, sizeof(link_path), "/tmp/escapement-bench-%d", (int)getpid());
    child = fork();
    if (child == 0) {
        int devnull = open("/dev/null", O_WRONLY);
        dup2(devnull, 1);
        if (!strcmp(b->name, "sim"))
            execl(firmware, firmware, "-I", link_path, "-r", "--late-limit-us", sim_late_limit,
                  "--busy-wait-us", "2000", (char *)NULL);
        else
            execl("out/tools/simavr-bridge", "simavr-bridge", "-I", link_path, firmware,
                  (char *)NULL);
        perror("bench-steprate: exec");
        _exit(127);
    }
    atexit(stop_child);
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    double end = mcu_monotonic() + 10;
    while (access(link_path, F_OK) && mcu_monotonic() < end)
        usleep(20000);
    return access(link_path, F_OK);
}

// One run: 60000 steps at `ticks` on the first n steppers, then a direction change and
// one more step (as in Klipper's test). Returns 1 when every stepper finished its steps
// and the MCU did not shut down.
static int
trial(struct mcu *m, unsigned ticks, int n, char *why, size_t whylen)
{
    uint32_t clock;
    char cmd[160];
    struct mcu_response r;
    while (mcu_wait(m, NULL, 0, NULL))
        ;   // drop stale reports
    if (mcu_query(m, "get_config", "config", 1.0, &r))
        return snprintf(why, whylen, "no config"), 0;
    if (mcu_param(&r, "is_shutdown"))
        mcu_send(m, "clear_shutdown");
    if (mcu_clock(m, &clock))
        return snprintf(why, whylen, "no clock"), 0;
    uint32_t start = clock + m->clock_freq / 4;
    int32_t before[3];
    int i;
    for (i = 0; i < n; i++) {
        snprintf(cmd, sizeof(cmd), "stepper_get_position oid=%d", i);
        if (mcu_query(m, cmd, "stepper_position", 1.0, &r))
            return snprintf(why, whylen, "no position"), 0;
        before[i] = (int32_t)mcu_param(&r, "pos");
    }
    if (mcu_clock(m, &clock))
        return snprintf(why, whylen, "no clock"), 0;
    start = clock + m->clock_freq / 4;
    for (i = 0; i < n; i++) {
        snprintf(cmd, sizeof(cmd), "reset_step_clock oid=%d clock=%u", i, start);
        mcu_send(m, cmd);
        snprintf(cmd, sizeof(cmd), "set_next_step_dir oid=%d dir=0", i);
        mcu_send(m, cmd);
        snprintf(cmd, sizeof(cmd), "queue_step oid=%d interval=%u count=%d add=0", i, ticks,
                 STEPS);
        mcu_send(m, cmd);
        snprintf(cmd, sizeof(cmd), "set_next_step_dir oid=%d dir=1", i);
        mcu_send(m, cmd);
        snprintf(cmd, sizeof(cmd), "queue_step oid=%d interval=3000 count=1 add=0", i);
        mcu_send(m, cmd);
    }
    uint32_t end = start + (uint32_t)STEPS * ticks + 3000 + m->clock_freq / 100;
    for (;;) {
        // Ask for the clock about once a second, as a Klipper host's clock sync does:
        // host traffic costs the MCU time too, and the test should not add more.
        if (mcu_wait(m, "shutdown", 1.0, &r))
            break;
        if (mcu_clock(m, &clock))
            return snprintf(why, whylen, "no clock"), 0;
        if ((int32_t)(clock - end) > 0)
            break;
    }
    if (mcu_query(m, "get_config", "config", 1.0, &r))
        return snprintf(why, whylen, "no config"), 0;
    if (mcu_param(&r, "is_shutdown")) {
        // A command that does not run in shutdown answers with the reason.
        const char *reason = "?";
        struct mcu_response s;
        if (mcu_query(m, "reset_step_clock oid=0 clock=0", "is_shutdown", 1.0, &s) == 0) {
            uint32_t id = mcu_param(&s, "static_string_id");
            const struct json *e = json_get(json_get(m->dict, "enumerations"),
                                            "static_string_id");
            size_t k;
            for (k = 0; e && k < e->count; k++)
                if ((uint32_t)e->items[k].number == id)
                    reason = e->keys[k];
        }
        snprintf(why, whylen, "%s", reason);
        mcu_send(m, "clear_shutdown");
        return 0;
    }
    for (i = 0; i < n; i++) {
        snprintf(cmd, sizeof(cmd), "stepper_get_position oid=%d", i);
        if (mcu_query(m, cmd, "stepper_position", 1.0, &r))
            return snprintf(why, whylen, "no position"), 0;
        int32_t moved = (int32_t)mcu_param(&r, "pos") - before[i];
        if (moved != -(STEPS - 1))
            return snprintf(why, whylen, "stepper %d moved %d steps, not %d", i, moved,
                            -(STEPS - 1)), 0;
        snprintf(cmd, sizeof(cmd), "reset_step_clock oid=%d clock=0", i);
        mcu_send(m, cmd);
    }
    return 1;
}

// The whole run must fit in the MCU's 31-bit clock comparisons.
#define MAX_TICKS (0x70000000u / STEPS)

static unsigned
bisect(struct mcu *m, const struct board *b, int n, int verbose)
{
    char why[128];
    unsigned hi = b->first_guess * n, lo = 1;
    while (!trial(m, hi, n, why, sizeof(why))) {
        if (verbose)
            fprintf(stderr, "  %u ticks: %s\n", hi, why);
        if (hi >= MAX_TICKS)
            return 0;
        lo = hi;
        hi = hi * 2 > MAX_TICKS ? MAX_TICKS : hi * 2;
    }
    for (;;) {
        while (hi - lo > 1) {
            unsigned mid = (lo + hi) / 2;
            int ok = trial(m, mid, n, why, sizeof(why));
            if (verbose)
                fprintf(stderr, "  %u ticks: %s\n", mid, ok ? "ok" : why);
            if (ok)
                hi = mid;
            else
                lo = mid;
        }
        // "Reliably": the result has to pass twice more.
        int again = trial(m, hi, n, why, sizeof(why)) && trial(m, hi, n, why, sizeof(why));
        if (verbose)
            fprintf(stderr, "  %u ticks again: %s\n", hi, again ? "ok" : why);
        if (again)
            return hi;
        if (hi >= MAX_TICKS)
            return 0;
        lo = hi;
        hi = hi + hi / 8 + 1;
        if (hi > MAX_TICKS)
            hi = MAX_TICKS;
    }
}

int
main(int argc, char **argv)
{
    static const struct option options[] = {
        { "firmware", required_argument, NULL, 'f' },
        { "steppers", required_argument, NULL, 's' },
        { "late-limit-us", required_argument, NULL, 'l' },
        { "ticks", required_argument, NULL, 't' },
        { NULL, 0, NULL, 0 },
    };
    const char *firmware = NULL, *steppers = "1,3";
    int verbose = 0, opt;
    const char *fixed_ticks = NULL;
    while ((opt = getopt_long(argc, argv, "vf:s:", options, NULL)) != -1) {
        switch (opt) {
        case 'v': verbose = 1; break;
        case 'f': firmware = optarg; break;
        case 's': steppers = optarg; break;
        case 'l': sim_late_limit = optarg; break;
        case 't': fixed_ticks = optarg; break;
        default:
            fprintf(stderr, "usage: %s [-v] [--firmware ELF] [--steppers 1,3] [--late-limit-us N]"
                    " [--ticks N] sim|atmega2560\n",
                    argv[0]);
            return 2;
        }
    }
    const struct board *b = NULL;
    unsigned i;
    for (i = 0; optind < argc && i < sizeof(boards) / sizeof(boards[0]); i++)
        if (!strcmp(argv[optind], boards[i].name))
            b = &boards[i];
    if (!b) {
        fprintf(stderr, "%s: say which board: sim or atmega2560\n", argv[0]);
        return 2;
    }
    if (!firmware)
        firmware = b->firmware;
    if (start_target(b, firmware)) {
        fprintf(stderr, "bench-steprate: %s did not come up\n", firmware);
        return 1;
    }
    struct mcu m;
    int failed_open = mcu_open(&m, link_path, 0, 10);
    m.verbose = getenv("MCU_VERBOSE") != NULL;
    if (failed_open || mcu_identify(&m, 30)) {
        fprintf(stderr, "bench-steprate: %s did not identify\n", b->name);
        return 1;
    }
    mcu_send(&m, "allocate_oids count=3");
    for (i = 0; i < 3; i++)
        mcu_send(&m, b->config[i]);
    mcu_send(&m, "finalize_config crc=0");
    printf("%s (CLOCK_FREQ %u): queue_step count=%d, smallest interval without a shutdown\n",
           b->name, m.clock_freq, STEPS);
    fflush(stdout);
    char list[16], *save = NULL, *tok;
    snprintf(list, sizeof(list), "%s", steppers);
    int status = 0;
    for (tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        int n = atoi(tok);
        if (n < 1 || n > 3)
            continue;
        if (fixed_ticks) {
            // Runs at given intervals (to check a figure, or to debug).
            const char *p = fixed_ticks;
            while (*p) {
                char why[128], *end;
                unsigned ticks = strtoul(p, &end, 10);
                int ok = trial(&m, ticks, n, why, sizeof(why));
                printf("  %d stepper%s at %u ticks: %s\n", n, n > 1 ? "s" : "", ticks,
                       ok ? "ok" : why);
                fflush(stdout);
                status |= !ok;
                p = *end == ',' ? end + 1 : end;
                if (end == p && *p != ',')
                    break;
            }
            continue;
        }
        unsigned ticks = bisect(&m, b, n, verbose);
        if (!ticks) {
            printf("  %d stepper%s: no interval worked\n", n, n > 1 ? "s" : "");
            status = 1;
            continue;
        }
        printf("  %d stepper%s: %u ticks per step (%.0fK steps/s)\n", n, n > 1 ? "s" : "",
               ticks, n * (double)m.clock_freq / ticks / 1000);
        fflush(stdout);
    }
    mcu_close(&m);
    return status;
}
