// Talks to an MCU by hand or from a script: identifies it, then sends each command (from
// the arguments, or stdin lines) and prints every response.
//
//   mcu-console [-v] [-b BAUD] [-t SECONDS] DEVICE [COMMAND...]
//
// Besides commands: "sleep S" waits, "expect NAME" waits for a response (exit 1 if it
// does not come), and {clock+N} in a command is replaced by the last clock the MCU
// reported (get_clock) plus N ticks. Exit status 0 when everything was acknowledged.
#define _GNU_SOURCE
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "mcuclient.h"

static uint32_t last_clock;
static double linger = 0.2;

// Names of the responses printed since the last command, so that "expect NAME" is
// also satisfied by a response that came in while the command was being acknowledged.
static char seen[16][64];
static int seen_count;

static void
remember(const char *name)
{
    if (seen_count < 16)
        snprintf(seen[seen_count++], sizeof(seen[0]), "%s", name);
}

static int
take_seen(const char *name)
{
    int i;
    for (i = 0; i < seen_count; i++) {
        if (!strcmp(seen[i], name)) {
            memmove(seen[i], seen[i + 1], (seen_count - i - 1) * sizeof(seen[0]));
            seen_count--;
            return 1;
        }
    }
    return 0;
}

static void
print_responses(struct mcu *m, double timeout)
{
    struct mcu_response r;
    char text[512];
    while (mcu_wait(m, NULL, timeout, &r)) {
        mcu_format_response(&r, text, sizeof(text));
        printf("%s\n", text);
        remember(r.format->name);
        if (!strcmp(r.format->name, "clock"))
            last_clock = mcu_param(&r, "clock");
        timeout = 0.02;
    }
    fflush(stdout);
}

static void
substitute(const char *in, char *out, size_t len)
{
    size_t n = 0;
    while (*in && n + 1 < len) {
        long long add;
        int used;
        if (sscanf(in, "{clock+%lld}%n", &add, &used) == 1 && used) {
            n += snprintf(out + n, len - n, "%u", (uint32_t)(last_clock + add));
            in += used;
        } else if (!strncmp(in, "{clock}", 7)) {
            n += snprintf(out + n, len - n, "%u", last_clock);
            in += 7;
        } else {
            out[n++] = *in++;
        }
    }
    out[n] = 0;
}

static int
run_line(struct mcu *m, const char *raw)
{
    char line[512];
    substitute(raw, line, sizeof(line));
    char *nl = strchr(line, '\n');
    if (nl)
        *nl = 0;
    if (!line[0] || line[0] == '#')
        return 0;
    double seconds;
    char name[64];
    if (sscanf(line, "sleep %lf", &seconds) == 1) {
        print_responses(m, seconds);
        return 0;
    }
    if (sscanf(line, "expect %63s", name) == 1) {
        struct mcu_response r;
        char text[512];
        if (take_seen(name))
            return 0;
        if (!mcu_wait(m, name, 5.0, &r)) {
            fprintf(stderr, "mcu-console: no %s response\n", name);
            return -1;
        }
        mcu_format_response(&r, text, sizeof(text));
        printf("%s\n", text);
        if (!strcmp(name, "clock"))
            last_clock = mcu_param(&r, "clock");
        return 0;
    }
    seen_count = 0;
    if (mcu_send(m, line))
        return -1;
    print_responses(m, linger);
    return 0;
}

int
main(int argc, char **argv)
{
    int baud = 0, verbose = 0, opt;
    double timeout = 10;
    while ((opt = getopt(argc, argv, "vb:t:l:")) != -1) {
        switch (opt) {
        case 'v': verbose = 1; break;
        case 'b': baud = atoi(optarg); break;
        case 't': timeout = atof(optarg); break;
        case 'l': linger = atof(optarg); break;
        default:
            fprintf(stderr, "usage: %s [-v] [-b BAUD] [-t SECONDS] DEVICE [COMMAND...]\n",
                    argv[0]);
            return 2;
        }
    }
    if (optind >= argc) {
        fprintf(stderr, "%s: which device?\n", argv[0]);
        return 2;
    }
    struct mcu m;
    if (mcu_open(&m, argv[optind], baud, timeout))
        return 1;
    m.verbose = verbose;
    double start = mcu_monotonic();
    if (mcu_identify(&m, timeout)) {
        fprintf(stderr, "mcu-console: %s did not identify\n", argv[optind]);
        return 1;
    }
    const struct json *mcu_name = json_get(json_get(m.dict, "config"), "MCU");
    printf("identified %s in %.2f s: MCU %s, CLOCK_FREQ %u, %d messages\n", argv[optind],
           mcu_monotonic() - start, mcu_name ? mcu_name->string : "?", m.clock_freq,
           m.nformats);
    int status = 0, i;
    if (optind + 1 < argc) {
        for (i = optind + 1; i < argc && !status; i++)
            status = run_line(&m, argv[i]);
    } else if (!isatty(0)) {
        char line[512];
        while (!status && fgets(line, sizeof(line), stdin))
            status = run_line(&m, line);
    }
    mcu_close(&m);
    return status ? 1 : 0;
}
