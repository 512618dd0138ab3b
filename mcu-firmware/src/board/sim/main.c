// The simulated MCU: a Linux process that speaks the protocol on a pseudo-terminal.
//
// One thread, no signals: the main loop sleeps in ppoll() until the next timer is due or
// bytes arrive, then runs due timers the way a timer interrupt would. Everything outside
// this folder is the same core the real chips run.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <math.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>
#include "board.h"
#include "command.h"
#include "sched.h"
#include "sim.h"


/****************************************************************
 * Clock
 ****************************************************************/

double sim_speed = 1.0;
static struct timespec start_time;
static double ticks_per_ns;
static uint64_t last_now;

uint64_t
sim_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    double ns = (double)(ts.tv_sec - start_time.tv_sec) * 1e9
        + (double)(ts.tv_nsec - start_time.tv_nsec);
    uint64_t now = (uint64_t)(ns * ticks_per_ns);
    if (now < last_now)
        now = last_now;
    return last_now = now;
}

// Inside a timer callback the clock stands at the timer's waketime.
static int in_dispatch;
static uint64_t dispatch_clock;

uint64_t
sim_event_clock(void)
{
    return in_dispatch ? dispatch_clock : sim_now();
}

uint32_t
timer_read_time(void)
{
    return (uint32_t)sim_event_clock();
}

void
timer_kick(void)
{
    // The main loop recomputes its sleep from the timer list every time round.
}

// A timer later than this (in wall-clock terms) means the process was starved.
static uint64_t late_limit_ticks;
static uint64_t late_limit_us = 100000;

// Runs every due timer (at most a batch, so tasks get their turn).
static void
run_due_timers(void)
{
    uint64_t now = sim_now();
    int n;
    for (n = 0; n < 256; n++) {
        uint32_t waketime = sched_next_waketime();
        int32_t late = (int32_t)((uint32_t)now - waketime);
        if (late < 0)
            return;
        if ((uint64_t)late > late_limit_ticks)
            try_shutdown("Rescheduled timer in the past");
        dispatch_clock = now - (uint64_t)late;
        in_dispatch = 1;
        sched_timer_dispatch();
        in_dispatch = 0;
        if ((n & 31) == 31)
            now = sim_now();
    }
}


/****************************************************************
 * Interrupt control (there are no interrupts: these are no-ops)
 ****************************************************************/

irqstatus_t irq_save(void) { return 0; }
void irq_restore(irqstatus_t flag) { (void)flag; }
void irq_disable(void) { }
void irq_enable(void) { }

void
board_shutdown_jump(jmp_buf env)
{
    in_dispatch = 0;
    longjmp(env, 1);
}


/****************************************************************
 * The pseudo-terminal and the control FIFO
 ****************************************************************/

static int pty_fd = -1, control_fd = -1;
static const char *pty_link, *control_path;
static uint8_t tx_buf[1 << 16];
static size_t tx_start, tx_len;

void
console_send(const uint8_t *block, uint_fast8_t len)
{
    if (tx_start + tx_len + len > sizeof(tx_buf)) {
        memmove(tx_buf, tx_buf + tx_start, tx_len);
        tx_start = 0;
        if (tx_len + len > sizeof(tx_buf)) {
            // Nobody reads the terminal: drop rather than block the MCU.
            console_stats.tx_dropped++;
            return;
        }
    }
    memcpy(tx_buf + tx_start + tx_len, block, len);
    tx_len += len;
}

static void
flush_tx(void)
{
    while (tx_len) {
        ssize_t n = write(pty_fd, tx_buf + tx_start, tx_len);
        if (n <= 0)
            return;
        tx_start += n;
        tx_len -= n;
    }
    tx_start = 0;
}

static void
read_pty(void)
{
    uint8_t buf[4096];
    for (;;) {
        size_t room = console_rx_space();
        if (!room)
            return;
        if (room > sizeof(buf))
            room = sizeof(buf);
        ssize_t n = read(pty_fd, buf, room);
        if (n <= 0)
            return;
        ssize_t i;
        for (i = 0; i < n; i++)
            console_rx_push(buf[i]);
    }
}

static char control_line[512];
static size_t control_len;

static void
read_control(void)
{
    char buf[512];
    ssize_t n;
    while ((n = read(control_fd, buf, sizeof(buf))) > 0) {
        ssize_t i;
        for (i = 0; i < n; i++) {
            if (buf[i] != '\n') {
                if (control_len < sizeof(control_line) - 1)
                    control_line[control_len++] = buf[i];
                continue;
            }
            control_line[control_len] = 0;
            control_len = 0;
            char reply[256];
            if (model_control(control_line, reply, sizeof(reply)))
                fprintf(stderr, "escapement-sim: control: %s\n", reply);
            else
                trace_note(sim_now(), control_line);
        }
    }
}

static int
open_pty(const char *link_path)
{
    int fd = posix_openpt(O_RDWR | O_NOCTTY);
    if (fd < 0 || grantpt(fd) || unlockpt(fd)) {
        perror("escapement-sim: posix_openpt");
        return -1;
    }
    const char *slave_name = ptsname(fd);
    // Keep a slave descriptor open ourselves: with none open, the master reads EIO
    // between host connections.
    int slave = open(slave_name, O_RDWR | O_NOCTTY);
    if (slave < 0) {
        perror("escapement-sim: open slave");
        return -1;
    }
    struct termios tio;
    tcgetattr(slave, &tio);
    cfmakeraw(&tio);
    tcsetattr(slave, TCSANOW, &tio);
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    unlink(link_path);
    if (symlink(slave_name, link_path)) {
        fprintf(stderr, "escapement-sim: symlink %s -> %s: %s\n", link_path, slave_name,
                strerror(errno));
        return -1;
    }
    printf("escapement-sim: pty %s linked at %s\n", slave_name, link_path);
    fflush(stdout);
    return fd;
}

static int
open_control(const char *path)
{
    unlink(path);
    if (mkfifo(path, 0600)) {
        fprintf(stderr, "escapement-sim: mkfifo %s: %s\n", path, strerror(errno));
        return -1;
    }
    int fd = open(path, O_RDONLY | O_NONBLOCK);
    // A writer of our own keeps the FIFO from reading end-of-file between clients.
    if (fd >= 0)
        open(path, O_WRONLY | O_NONBLOCK);
    return fd;
}

static void
cleanup(void)
{
    if (pty_link)
        unlink(pty_link);
    if (control_path)
        unlink(control_path);
    trace_flush();
    if (trace_wait_count())
        fprintf(stderr, "escapement-sim: the trace held the clock up %lu times (the disk"
                " was seconds behind)\n", trace_wait_count());
}

static void
on_signal(int sig)
{
    cleanup();
    signal(sig, SIG_DFL);
    raise(sig);
}


/****************************************************************
 * The main loop's sleep
 ****************************************************************/

// Timers closer than this (wall time) are waited for awake: waking from a sleep can take
// a good part of a millisecond on a virtual machine. --busy-wait-us sets it.
static double spin_ns = 60000.0;

static void
wait_for_events(int may_sleep)
{
    struct pollfd fds[2] = {
        { .fd = pty_fd, .events = POLLIN | (tx_len ? POLLOUT : 0) },
        { .fd = control_fd, .events = POLLIN },
    };
    struct timespec timeout = { 0, 0 };
    if (may_sleep) {
        int32_t ticks = (int32_t)(sched_next_waketime() - (uint32_t)sim_now());
        double ns = ticks / ticks_per_ns;
        if (ns < spin_ns) {
            // Waking from a sleep takes tens of microseconds: wait for a near timer
            // awake, still watching the terminal.
            may_sleep = 0;
        } else {
            if (ns > 1e8)
                ns = 1e8;
            timeout.tv_nsec = (long)(ns - spin_ns / 2);
        }
    }
    int n = ppoll(fds, control_fd >= 0 ? 2 : 1, &timeout, NULL);
    if (n > 0) {
        if (fds[0].revents & POLLIN)
            read_pty();
        if (fds[0].revents & POLLOUT)
            flush_tx();
        if (control_fd >= 0 && (fds[1].revents & POLLIN))
            read_control();
    }
    run_due_timers();
    flush_tx();
}

void
irq_wait(void)
{
    wait_for_events(1);
}

void
irq_poll(void)
{
    run_due_timers();
    static unsigned polls;
    if (!(++polls & 15))
        wait_for_events(0);
}


/****************************************************************
 * Memory, reset and startup
 ****************************************************************/

static char arena[CONFIG_SIM_ARENA_KB * 1024] __attribute__((aligned(16)));

void *dynmem_start(void) { return arena; }
void *dynmem_end(void) { return arena + sizeof(arena); }

static void
usage(const char *prog)
{
    fprintf(stderr,
            "usage: %s [-I PATH] [-r] [--speed N] [--model FILE] [--trace FILE]\n"
            "          [--control FIFO] [--late-limit-us N] [--busy-wait-us N]\n"
            "  -I PATH           link the pseudo-terminal at PATH (default /tmp/escapement-sim)\n"
            "  -r                real-time: SCHED_FIFO priority and locked memory\n"
            "  --speed N         run the clock (and the physics) N times faster than wall time\n"
            "  --model FILE      the printer's physics: steppers, endstops, heaters\n"
            "  --trace FILE      write every pin change with its clock to FILE\n"
            "  --control FIFO    create FIFO and read commands from it (faults, temperatures)\n"
            "  --late-limit-us N shut down when a timer runs N us of wall time late"
            " (default 100000)\n"
            "  --busy-wait-us N  wait for timers closer than N us without sleeping (default 60)\n"
            "See docs/sim-mcu.md.\n", prog);
}

int
main(int argc, char **argv)
{
    static const struct option options[] = {
        { "speed", required_argument, NULL, 's' },
        { "model", required_argument, NULL, 'm' },
        { "trace", required_argument, NULL, 't' },
        { "control", required_argument, NULL, 'c' },
        { "late-limit-us", required_argument, NULL, 'l' },
        { "busy-wait-us", required_argument, NULL, 'b' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    const char *link_path = "/tmp/escapement-sim", *model_path = NULL, *trace_path = NULL;
    int realtime = 0, opt;
    while ((opt = getopt_long(argc, argv, "I:rh", options, NULL)) != -1) {
        switch (opt) {
        case 'I': link_path = optarg; break;
        case 'r': realtime = 1; break;
        case 's':
            sim_speed = atof(optarg);
            if (!(sim_speed > 0 && sim_speed <= 1000)) {
                fprintf(stderr, "escapement-sim: --speed must be above 0 and at most 1000\n");
                return 2;
            }
            break;
        case 'm': model_path = optarg; break;
        case 't': trace_path = optarg; break;
        case 'c': control_path = optarg; break;
        case 'l': late_limit_us = strtoull(optarg, NULL, 10); break;
        case 'b': spin_ns = atof(optarg) * 1000; break;
        case 'h': usage(argv[0]); return 0;
        default: usage(argv[0]); return 2;
        }
    }
    if (optind != argc) {
        usage(argv[0]);
        return 2;
    }
    clock_gettime(CLOCK_MONOTONIC, &start_time);
    ticks_per_ns = CONFIG_CLOCK_FREQ / 1e9 * sim_speed;
    late_limit_ticks = (uint64_t)(late_limit_us * 1e3 * ticks_per_ns);

    // Sleep as exactly as the kernel can: the default 50 us slack would make every step late.
    prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0);
    if (realtime) {
        struct sched_param sp = { .sched_priority = sched_get_priority_max(SCHED_FIFO) / 2 };
        if (sched_setscheduler(0, SCHED_FIFO, &sp))
            perror("escapement-sim: warning: SCHED_FIFO");
        if (mlockall(MCL_CURRENT | MCL_FUTURE))
            perror("escapement-sim: warning: mlockall");
    }
    if (model_path) {
        char err[512];
        if (model_load(model_path, err, sizeof(err))) {
            fprintf(stderr, "escapement-sim: %s\n", err);
            return 2;
        }
    }
    if (trace_path)
        trace_open(trace_path);
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    signal(SIGHUP, on_signal);
    signal(SIGPIPE, SIG_IGN);
    atexit(cleanup);
    if (control_path && (control_fd = open_control(control_path)) < 0)
        return 1;
    pty_fd = open_pty(link_path);
    if (pty_fd < 0)
        return 1;
    pty_link = link_path;
    sched_main();
}

// Say why on stderr too, for whoever watches the process.
void
sim_report_shutdown(void)
{
    uint_fast16_t reason = sched_shutdown_reason();
    if (reason && reason <= ESC_STATIC_STRING_COUNT)
        fprintf(stderr, "escapement-sim: shutdown: %s\n", esc_static_strings[reason]);
    trace_flush();
}
DECL_SHUTDOWN(sim_report_shutdown);

// A command scheduled a timer in the past ("Timer too close"): say which handler and how
// late on stderr, for the host's log. The handler is named by its offset from sched_main,
// which `nm` on the ELF turns into a function name.
void
sim_note_late_timer(uint_fast8_t (*func)(struct timer *), uint32_t waketime, uint32_t now)
{
    fprintf(stderr, "escapement-sim: timer too close: due at clock %u, now %u (%.0f us late);"
            " handler at sched_main%+ld\n", (unsigned)waketime, (unsigned)now,
            (double)(uint32_t)(now - waketime) * 1e6 / CONFIG_CLOCK_FREQ,
            (long)((uintptr_t)func - (uintptr_t)sched_main));
    fflush(stderr);
}
