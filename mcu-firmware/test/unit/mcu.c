// In-process host for the unit tests. See mcu.h.
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "board.h"
#include "command.h"
#include "fakeboard.h"
#include "json.h"
#include "mcu.h"
#include "sched.h"

struct mcu_msg mcu_responses[MCU_RESPONSES_MAX];
int mcu_response_count;
uint8_t mcu_acks[MCU_RESPONSES_MAX];
int mcu_ack_count;

static struct json *dict;
static uint8_t next_seq;
static size_t tx_decoded;

static void
load_dictionary(void)
{
    char err[256];
    const char *path = getenv("ESC_TEST_DICT");
    dict = json_parse_file(path ? path : "out/test/escapement.dict", err, sizeof(err));
    if (!dict) {
        fprintf(stderr, "test: cannot load the dictionary: %s\n", err);
        exit(2);
    }
}

// Finds a message format by name ("queue_step") among commands or responses.
static const char *
find_format(const char *section, const char *name, int *id)
{
    const struct json *msgs = json_get(dict, section);
    size_t i, n = strlen(name);
    for (i = 0; msgs && i < msgs->count; i++) {
        const char *f = msgs->keys[i];
        if (!strncmp(f, name, n) && (f[n] == ' ' || !f[n])) {
            *id = (int)msgs->items[i].number;
            return f;
        }
    }
    return NULL;
}

static const char *
format_by_id(int id)
{
    const struct json *msgs = json_get(dict, "responses");
    size_t i;
    for (i = 0; msgs && i < msgs->count; i++)
        if ((int)msgs->items[i].number == id)
            return msgs->keys[i];
    return NULL;
}

int
mcu_encode(const char *text, uint8_t *payload)
{
    char name[64];
    if (sscanf(text, "%63s", name) != 1)
        return -1;
    int id;
    const char *fmt = find_format("commands", name, &id);
    if (!fmt)
        return -1;
    uint8_t *p = wire_encode_vlq(payload, id);
    // Walk the format's parameters and pick each value out of the text.
    const char *f = strchr(fmt, ' ');
    while (f) {
        f++;
        const char *eq = strchr(f, '=');
        char pname[64], key[70];
        snprintf(pname, sizeof(pname), "%.*s", (int)(eq - f), f);
        snprintf(key, sizeof(key), " %s=", pname);
        const char *v = strstr(text, key);
        if (!v)
            return -1;
        v += strlen(key);
        if (eq[1] == '%' && (eq[2] == '*' || eq[2] == '.' || eq[2] == 's')) {
            uint8_t *lenp = p++;
            while (v[0] && v[0] != ' ' && v[1]) {
                unsigned byte;
                sscanf(v, "%2x", &byte);
                *p++ = byte;
                v += 2;
            }
            *lenp = p - lenp - 1;
        } else {
            p = wire_encode_vlq(p, (uint32_t)strtoll(v, NULL, 0));
        }
        f = strchr(f, ' ');
    }
    return p - payload;
}

static void
decode_tx(void)
{
    while (tx_decoded + BLOCK_MIN <= fake_tx_len) {
        const uint8_t *b = fake_tx + tx_decoded;
        uint8_t len = b[0];
        if (len < BLOCK_MIN || tx_decoded + len > fake_tx_len) {
            fprintf(stderr, "test: bad block from the MCU\n");
            exit(2);
        }
        tx_decoded += len;
        if (len == BLOCK_MIN) {
            if (mcu_ack_count < MCU_RESPONSES_MAX)
                mcu_acks[mcu_ack_count++] = b[1] & BLOCK_SEQ_MASK;
            continue;
        }
        const uint8_t *p = b + BLOCK_HEADER, *end = b + len - BLOCK_TRAILER;
        while (p < end && mcu_response_count < MCU_RESPONSES_MAX) {
            uint32_t id;
            wire_parse_vlq(&p, end, &id);
            const char *fmt = format_by_id((int32_t)id);
            if (!fmt) {
                fprintf(stderr, "test: unknown response id %d\n", (int32_t)id);
                exit(2);
            }
            mcu_responses[mcu_response_count].seq = b[1] & BLOCK_SEQ_MASK;
            char *out = mcu_responses[mcu_response_count++].text;
            size_t n = 0;
            const char *f = fmt;
            while (*f && *f != ' ')
                out[n++] = *f++;
            while (*f == ' ') {
                f++;
                const char *eq = strchr(f, '=');
                n += snprintf(out + n, 512 - n, " %.*s=", (int)(eq - f), f);
                if (eq[2] == '*' || eq[2] == '.' || eq[2] == 's') {
                    uint8_t l = *p++;
                    while (l--)
                        n += snprintf(out + n, 512 - n, "%02x", *p++);
                } else {
                    uint32_t v;
                    wire_parse_vlq(&p, end, &v);
                    if (eq[2] == 'i' || (eq[2] == 'h' && eq[3] == 'i'))
                        n += snprintf(out + n, 512 - n, "%d", (int32_t)v);
                    else
                        n += snprintf(out + n, 512 - n, "%u", v);
                }
                f = strchr(f, ' ');
                if (!f)
                    break;
            }
            out[n] = 0;
        }
    }
    // Decoded: make room again (long runs send a lot of reports).
    fake_tx_len = tx_decoded = 0;
}

void
mcu_start(void)
{
    load_dictionary();
    sched_init();
    esc_run_init();
    fake_clear_records();
    tx_decoded = 0;
    mcu_clear();
}

void
mcu_clear(void)
{
    decode_tx();
    mcu_response_count = 0;
    mcu_ack_count = 0;
}

// Runs the console task until it has nothing left, catching shutdowns.
static int
run_console(void)
{
    volatile int reason = 0, rounds;
    for (rounds = 0; rounds < 100; rounds++) {
        if (setjmp(sched_shutdown_jmp)) {
            sched_handle_shutdown();
            if (!reason)
                reason = sched_shutdown_reason();
            continue;
        }
        sched_run_tasks_once();
        break;
    }
    // One more round sends the ack of a block a shutdown interrupted.
    if (!setjmp(sched_shutdown_jmp))
        sched_run_tasks_once();
    decode_tx();
    return reason;
}

int
mcu_send_bytes(const uint8_t *data, size_t len)
{
    size_t i;
    for (i = 0; i < len; i++)
        console_rx_push(data[i]);
    return run_console();
}

size_t
mcu_frame(uint8_t *block, const uint8_t *payload, size_t len)
{
    size_t n = wire_frame(block, next_seq, payload, len);
    next_seq = (next_seq + 1) & BLOCK_SEQ_MASK;
    return n;
}

int
mcu_send(const char *fmt, ...)
{
    char text[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof(text), fmt, ap);
    va_end(ap);
    uint8_t payload[128], block[BLOCK_MAX + 64];
    int len = mcu_encode(text, payload);
    if (len < 0 || len > BLOCK_PAYLOAD_MAX) {
        fprintf(stderr, "test: cannot encode '%s'\n", text);
        exit(2);
    }
    size_t n = mcu_frame(block, payload, len);
    return mcu_send_bytes(block, n);
}

int
mcu_run_until(uint32_t clock)
{
    volatile int reason = 0;
    if (setjmp(sched_shutdown_jmp)) {
        sched_handle_shutdown();
        reason = sched_shutdown_reason();
        fake_now = clock;
    } else {
        fake_run_until(clock);
    }
    run_console();
    return reason;
}

const char *
mcu_last(const char *name)
{
    int i;
    size_t n = strlen(name);
    for (i = mcu_response_count - 1; i >= 0; i--) {
        const char *t = mcu_responses[i].text;
        if (!strncmp(t, name, n) && (t[n] == ' ' || !t[n]))
            return t;
    }
    return NULL;
}

int
mcu_count(const char *name)
{
    int i, count = 0;
    size_t n = strlen(name);
    for (i = 0; i < mcu_response_count; i++) {
        const char *t = mcu_responses[i].text;
        if (!strncmp(t, name, n) && (t[n] == ' ' || !t[n]))
            count++;
    }
    return count;
}

long long
mcu_param(const char *text, const char *param)
{
    char key[64];
    snprintf(key, sizeof(key), " %s=", param);
    const char *v = text ? strstr(text, key) : NULL;
    return v ? strtoll(v + strlen(key), NULL, 10) : -999999;
}

const char *
mcu_reason(int id)
{
    const struct json *e = json_get(json_get(dict, "enumerations"), "static_string_id");
    size_t i;
    for (i = 0; e && i < e->count; i++)
        if ((int)e->items[i].number == id)
            return e->keys[i];
    return "?";
}

int
mcu_reason_id(const char *text)
{
    const struct json *v = json_get(json_get(json_get(dict, "enumerations"),
                                             "static_string_id"), text);
    return v ? (int)v->number : 0;
}

long long
mcu_constant(const char *name)
{
    const struct json *v = json_get(json_get(dict, "config"), name);
    return v ? (long long)v->number : -1;
}
