// Runs AVR firmware in simavr with UART0 on a pseudo-terminal, and traces the port pins.
//
//   simavr-bridge [-m atmega2560] [-f 16000000] [-I PATH] [--trace FILE] escapement.elf
//
// The pseudo-terminal is linked at PATH (default /tmp/escapement-avr) and announced on
// stdout. The trace has the sim MCU's format (docs/sim-mcu.md), with the AVR cycle count
// as the clock and Klipper's pin names (PA0..PL7). Simulation speed: simavr runs as fast
// as it can, and sleeps in real time whenever the firmware sleeps (idle).
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <time.h>
#include <unistd.h>
#include <simavr/sim_avr.h>
#include <simavr/sim_elf.h>
#include <simavr/avr_ioport.h>
#include <simavr/avr_uart.h>

static avr_t *avr;
static FILE *trace;
static const char *link_path = "/tmp/escapement-avr";
static volatile sig_atomic_t stop;

static void
on_signal(int sig)
{
    (void)sig;
    stop = 1;
}


/****************************************************************
 * UART0 <-> pseudo-terminal, all on the simulation's own thread
 ****************************************************************/

// simavr's uart_pty part feeds the UART from a second thread, which races with the
// simulation's timer list when bytes arrive while the firmware is busy; this bridge
// moves the bytes itself, between instructions.
static int pty_fd = -1;
static avr_irq_t *uart_in;
static int uart_xon = 1;
static uint8_t to_avr[4096], to_host[4096];
static size_t to_avr_len, to_avr_pos, to_host_len;

static void
uart_output(struct avr_irq_t *irq, uint32_t value, void *param)
{
    (void)irq;
    (void)param;
    if (to_host_len < sizeof(to_host))
        to_host[to_host_len++] = value;
}

static void
uart_xon_changed(struct avr_irq_t *irq, uint32_t value, void *param)
{
    (void)irq;
    (void)value;
    uart_xon = param != NULL;
}

// Moves bytes both ways; waits up to timeout_ns for the host's bytes when none are queued.
static void
pump_uart(int64_t timeout_ns)
{
    if (to_host_len) {
        ssize_t n = write(pty_fd, to_host, to_host_len);
        if (n > 0) {
            memmove(to_host, to_host + n, to_host_len - n);
            to_host_len -= n;
        }
    }
    if (to_avr_pos == to_avr_len) {
        to_avr_pos = to_avr_len = 0;
        struct pollfd pfd = { .fd = pty_fd, .events = POLLIN };
        struct timespec ts = { timeout_ns / 1000000000, timeout_ns % 1000000000 };
        if (ppoll(&pfd, 1, &ts, NULL) > 0) {
            ssize_t n = read(pty_fd, to_avr, sizeof(to_avr));
            if (n > 0)
                to_avr_len = n;
        }
    }
    // The UART's own receive FIFO paces the bytes at the baud rate; XOFF says it is full.
    while (uart_xon && to_avr_pos < to_avr_len)
        avr_raise_irq(uart_in, to_avr[to_avr_pos++]);
}

// Simulated time follows wall time, so that a host's clock synchronisation sees a steady
// 16 MHz: busy stretches may run slower than the chip, and the simulation catches up
// while the firmware sleeps (which is most of the time); it never runs ahead.
static struct timespec wall_start;

static int64_t
ns_ahead_of_wall(avr_cycle_count_t cycle)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    int64_t wall = (int64_t)(now.tv_sec - wall_start.tv_sec) * 1000000000
                   + (now.tv_nsec - wall_start.tv_nsec);
    int64_t sim = (int64_t)((double)cycle * 1e9 / avr->frequency);
    return sim - wall;
}

// While the firmware sleeps, wait on the terminal until the wall time of its wake-up.
// Bytes from the host end the wait at once, so a command is not held up; the simulation
// is then a little ahead of wall time and waits that out later.
static void
bridge_sleep(avr_t *a, avr_cycle_count_t cycles)
{
    for (;;) {
        int64_t wait = ns_ahead_of_wall(a->cycle + cycles);
        pump_uart(wait > 0 ? wait : 0);
        if (wait <= 0 || to_avr_len)
            return;
    }
}

static int
open_pty(void)
{
    int fd = posix_openpt(O_RDWR | O_NOCTTY);
    if (fd < 0 || grantpt(fd) || unlockpt(fd))
        return -1;
    const char *name = ptsname(fd);
    // Keep a slave descriptor of our own (no EIO between clients), in raw mode.
    int slave = open(name, O_RDWR | O_NOCTTY);
    if (slave < 0)
        return -1;
    struct termios tio;
    tcgetattr(slave, &tio);
    cfmakeraw(&tio);
    tcsetattr(slave, TCSANOW, &tio);
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    unlink(link_path);
    if (symlink(name, link_path)) {
        fprintf(stderr, "simavr-bridge: symlink %s: %s\n", link_path, strerror(errno));
        return -1;
    }
    printf("simavr-bridge: pty %s linked at %s\n", name, link_path);
    return fd;
}

static void
connect_uart(void)
{
    uint32_t flags = 0;
    avr_ioctl(avr, AVR_IOCTL_UART_GET_FLAGS('0'), &flags);
    flags &= ~AVR_UART_FLAG_STDIO;
    avr_ioctl(avr, AVR_IOCTL_UART_SET_FLAGS('0'), &flags);
    uart_in = avr_io_getirq(avr, AVR_IOCTL_UART_GETIRQ('0'), UART_IRQ_INPUT);
    avr_irq_register_notify(avr_io_getirq(avr, AVR_IOCTL_UART_GETIRQ('0'), UART_IRQ_OUTPUT),
                            uart_output, NULL);
    avr_irq_register_notify(avr_io_getirq(avr, AVR_IOCTL_UART_GETIRQ('0'), UART_IRQ_OUT_XON),
                            uart_xon_changed, (void *)1);
    avr_irq_register_notify(avr_io_getirq(avr, AVR_IOCTL_UART_GETIRQ('0'), UART_IRQ_OUT_XOFF),
                            uart_xon_changed, NULL);
}

struct pin_id {
    char port;
    int bit;
};

static void
pin_changed(struct avr_irq_t *irq, uint32_t value, void *param)
{
    (void)irq;
    const struct pin_id *p = param;
    fprintf(trace, "%llu P%c%d %u\n", (unsigned long long)avr->cycle, p->port, p->bit,
            value ? 1 : 0);
}

static void
trace_ports(void)
{
    static const char ports[] = "ABCDEFGHJKL";
    static struct pin_id ids[sizeof(ports) * 8];
    unsigned i, b;
    for (i = 0; ports[i]; i++) {
        for (b = 0; b < 8; b++) {
            avr_irq_t *irq = avr_io_getirq(avr, AVR_IOCTL_IOPORT_GETIRQ(ports[i]),
                                           IOPORT_IRQ_PIN0 + b);
            if (!irq)
                continue;
            struct pin_id *id = &ids[i * 8 + b];
            id->port = ports[i];
            id->bit = b;
            avr_irq_register_notify(irq, pin_changed, id);
        }
    }
}

int
main(int argc, char **argv)
{
    static const struct option options[] = {
        { "trace", required_argument, NULL, 't' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    const char *mcu = "atmega2560", *trace_path = NULL;
    unsigned long freq = 16000000;
    int opt;
    while ((opt = getopt_long(argc, argv, "m:f:I:h", options, NULL)) != -1) {
        switch (opt) {
        case 'm': mcu = optarg; break;
        case 'f': freq = strtoul(optarg, NULL, 10); break;
        case 'I': link_path = optarg; break;
        case 't': trace_path = optarg; break;
        default:
            fprintf(stderr, "usage: %s [-m MCU] [-f HZ] [-I PATH] [--trace FILE] FIRMWARE.elf\n",
                    argv[0]);
            return opt == 'h' ? 0 : 2;
        }
    }
    if (optind != argc - 1) {
        fprintf(stderr, "%s: give one firmware .elf file\n", argv[0]);
        return 2;
    }
    elf_firmware_t fw;
    memset(&fw, 0, sizeof(fw));
    if (elf_read_firmware(argv[optind], &fw)) {
        fprintf(stderr, "simavr-bridge: cannot read %s\n", argv[optind]);
        return 1;
    }
    avr = avr_make_mcu_by_name(mcu);
    if (!avr) {
        fprintf(stderr, "simavr-bridge: simavr does not know '%s'\n", mcu);
        return 1;
    }
    avr_init(avr);
    avr->frequency = freq;
    avr->log = LOG_WARNING;
    avr_load_firmware(avr, &fw);
    avr->frequency = freq;

    if (trace_path) {
        trace = fopen(trace_path, "w");
        if (!trace) {
            perror("simavr-bridge: trace");
            return 1;
        }
        setvbuf(trace, NULL, _IOFBF, 1 << 20);
        fprintf(trace, "# escapement-avr trace 1\n# clock_freq %lu\n# mcu %s\n", freq, mcu);
        trace_ports();
    }

    connect_uart();
    avr->sleep = bridge_sleep;
    pty_fd = open_pty();
    if (pty_fd < 0) {
        fprintf(stderr, "simavr-bridge: cannot create the pseudo-terminal\n");
        return 1;
    }
    printf("simavr-bridge: %s at %lu Hz\n", mcu, freq);
    fflush(stdout);

    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    signal(SIGHUP, on_signal);
    clock_gettime(CLOCK_MONOTONIC, &wall_start);
    int state = cpu_Running;
    unsigned long long flushed_at = 0, pumped_at = 0;
    while (!stop && state != cpu_Done && state != cpu_Crashed) {
        state = avr_run(avr);
        if (avr->cycle - pumped_at >= 4096) {
            // Every 256 us of simulated time: move bytes, and hold back a simulation that
            // runs ahead of wall time.
            pumped_at = avr->cycle;
            int64_t ahead = ns_ahead_of_wall(avr->cycle);
            pump_uart(ahead > 1000000 ? ahead : 0);
        }
        if (trace && avr->cycle - flushed_at > freq / 10) {
            fflush(trace);
            flushed_at = avr->cycle;
        }
    }
    if (state == cpu_Crashed)
        fprintf(stderr, "simavr-bridge: the firmware crashed at pc 0x%x\n", avr->pc);
    if (trace)
        fclose(trace);
    unlink(link_path);
    return state == cpu_Crashed ? 1 : 0;
}
