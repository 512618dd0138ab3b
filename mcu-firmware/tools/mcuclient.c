// Host side of the protocol for the firmware tools. See mcuclient.h.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>
#include "mcuclient.h"
#include "wire.h"

enum { PT_UINT32, PT_INT32, PT_UINT16, PT_INT16, PT_BYTE, PT_STRING, PT_BUFFER, PT_PBUFFER };

double
mcu_monotonic(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static speed_t
baud_constant(int baud)
{
    switch (baud) {
    case 9600: return B9600;
    case 19200: return B19200;
    case 38400: return B38400;
    case 57600: return B57600;
    case 115200: return B115200;
    case 230400: return B230400;
    case 250000: return B230400;   // a pseudo-terminal ignores the rate anyway
    case 460800: return B460800;
    default: return B115200;
    }
}

int
mcu_open(struct mcu *m, const char *path, int baud, double timeout)
{
    memset(m, 0, sizeof(*m));
    m->fd = -1;
    double end = mcu_monotonic() + timeout;
    for (;;) {
        m->fd = open(path, O_RDWR | O_NOCTTY | O_NONBLOCK);
        if (m->fd >= 0 || mcu_monotonic() > end)
            break;
        usleep(20000);
    }
    if (m->fd < 0) {
        fprintf(stderr, "mcu: cannot open %s: %s\n", path, strerror(errno));
        return -1;
    }
    struct termios tio;
    if (tcgetattr(m->fd, &tio) == 0) {
        cfmakeraw(&tio);
        if (baud) {
            cfsetispeed(&tio, baud_constant(baud));
            cfsetospeed(&tio, baud_constant(baud));
        }
        tcsetattr(m->fd, TCSANOW, &tio);
    }
    return 0;
}

void
mcu_close(struct mcu *m)
{
    int i, k;
    if (m->fd >= 0)
        close(m->fd);
    for (i = 0; i < m->nformats; i++) {
        free(m->formats[i].text);
        free(m->formats[i].name);
        for (k = 0; k < m->formats[i].nparams; k++)
            free(m->formats[i].param_names[k]);
    }
    free(m->formats);
    json_free(m->dict);
    m->fd = -1;
}


/****************************************************************
 * Blocks
 ****************************************************************/

static int
write_all(struct mcu *m, const uint8_t *data, size_t len)
{
    while (len) {
        ssize_t n = write(m->fd, data, len);
        if (n < 0 && errno == EAGAIN) {
            struct pollfd pfd = { .fd = m->fd, .events = POLLOUT };
            poll(&pfd, 1, 100);
            continue;
        }
        if (n <= 0)
            return -1;
        data += n;
        len -= n;
    }
    return 0;
}

// Reads one valid block (1) within timeout (0 on timeout), resynchronising on bad bytes.
static int
read_block(struct mcu *m, uint8_t *block, double timeout)
{
    double end = mcu_monotonic() + timeout;
    for (;;) {
        while (m->rx_len >= BLOCK_MIN) {
            uint8_t len = m->rx[0];
            int bad = len < BLOCK_MIN || len > BLOCK_MAX
                || (m->rx[1] & ~BLOCK_SEQ_MASK) != BLOCK_DEST;
            if (!bad && m->rx_len < len)
                break;
            if (!bad) {
                uint16_t crc = wire_crc16(m->rx, len - 3);
                bad = m->rx[len - 1] != BLOCK_SYNC || m->rx[len - 3] != (crc >> 8)
                    || m->rx[len - 2] != (uint8_t)crc;
            }
            size_t drop = len;
            if (bad) {
                uint8_t *sync = memchr(m->rx, BLOCK_SYNC, m->rx_len);
                drop = sync ? (size_t)(sync - m->rx) + 1 : m->rx_len;
            } else {
                memcpy(block, m->rx, len);
            }
            memmove(m->rx, m->rx + drop, m->rx_len - drop);
            m->rx_len -= drop;
            if (!bad)
                return 1;
        }
        double left = end - mcu_monotonic();
        if (left <= 0)
            return 0;
        struct pollfd pfd = { .fd = m->fd, .events = POLLIN };
        if (poll(&pfd, 1, (int)(left * 1000) + 1) > 0) {
            ssize_t n = read(m->fd, m->rx + m->rx_len, sizeof(m->rx) - m->rx_len);
            if (n > 0)
                m->rx_len += n;
        }
    }
}

static const struct mcu_format *
format_by_id(struct mcu *m, int id)
{
    int i;
    for (i = 0; i < m->nformats; i++)
        if (m->formats[i].id == id && !m->formats[i].is_command)
            return &m->formats[i];
    return NULL;
}

// Decodes the messages of a block into the backlog.
static void
decode_block(struct mcu *m, const uint8_t *block)
{
    const uint8_t *p = block + BLOCK_HEADER, *end = block + block[0] - BLOCK_TRAILER;
    while (p < end) {
        uint32_t id;
        if (wire_parse_vlq(&p, end, &id))
            return;
        struct mcu_response r;
        memset(&r, 0, sizeof(r));
        if ((int32_t)id == 0 && m->nformats == 0) {
            // Before the dictionary: only identify_response can be decoded.
            static struct mcu_format identify_response = {
                .text = "identify_response offset=%u data=%.*s", .name = "identify_response",
                .nparams = 2, .param_names = { "offset", "data" },
                .param_types = { PT_UINT32, PT_PBUFFER },
            };
            r.format = &identify_response;
        } else {
            r.format = format_by_id(m, (int32_t)id);
        }
        if (!r.format)
            return;
        int i;
        for (i = 0; i < r.format->nparams; i++) {
            if (r.format->param_types[i] >= PT_STRING) {
                if (p >= end || *p > end - p - 1)
                    return;
                r.data_len = *p++;
                memcpy(r.data, p, r.data_len);
                r.values[i] = r.data_len;
                p += r.data_len;
            } else if (wire_parse_vlq(&p, end, &r.values[i])) {
                return;
            }
        }
        if (m->verbose) {
            char text[512];
            mcu_format_response(&r, text, sizeof(text));
            fprintf(stderr, "<- %s\n", text);
        }
        if (m->backlog_len == (int)(sizeof(m->backlog) / sizeof(m->backlog[0]))) {
            memmove(m->backlog, m->backlog + 1, sizeof(m->backlog) - sizeof(m->backlog[0]));
            m->backlog_len--;
        }
        m->backlog[m->backlog_len++] = r;
    }
}

// Sends a payload in one block and waits for the MCU to acknowledge it, resending after
// a nak or a timeout. The first exchange also learns the MCU's sequence number.
static int
send_payload(struct mcu *m, const uint8_t *payload, int len)
{
    uint8_t block[BLOCK_MAX], in[BLOCK_MAX];
    int attempt;
    for (attempt = 0; attempt < 10; attempt++) {
        int n = wire_frame(block, m->next_seq, payload, len);
        if (write_all(m, block, n))
            return -1;
        double end = mcu_monotonic() + 1.0;
        for (;;) {
            double left = end - mcu_monotonic();
            if (left <= 0 || !read_block(m, in, left))
                break;   // resend
            decode_block(m, in);
            uint8_t seq = in[1] & BLOCK_SEQ_MASK;
            if (seq == ((m->next_seq + 1) & BLOCK_SEQ_MASK)) {
                m->next_seq = seq;
                return 0;
            }
            if (in[0] == BLOCK_MIN && seq != m->next_seq) {
                // A nak for a sequence we did not use: the MCU expects seq; resend.
                m->next_seq = seq;
                break;
            }
        }
    }
    fprintf(stderr, "mcu: no acknowledgement\n");
    return -1;
}


/****************************************************************
 * Dictionary
 ****************************************************************/

static int
parse_formats(struct mcu *m, const struct json *messages, int is_command)
{
    size_t i;
    for (i = 0; messages && i < messages->count; i++) {
        m->formats = realloc(m->formats, (m->nformats + 1) * sizeof(*m->formats));
        struct mcu_format *f = &m->formats[m->nformats++];
        memset(f, 0, sizeof(*f));
        f->text = strdup(messages->keys[i]);
        f->id = (int)messages->items[i].number;
        f->is_command = is_command;
        char *copy = strdup(f->text), *save = NULL;
        char *word = strtok_r(copy, " ", &save);
        f->name = strdup(word);
        while ((word = strtok_r(NULL, " ", &save)) && f->nparams < MCU_MAX_PARAMS) {
            char *eq = strchr(word, '=');
            if (!eq)
                continue;
            *eq = 0;
            const char *t = eq + 1;
            f->param_names[f->nparams] = strdup(word);
            f->param_types[f->nparams++] =
                !strcmp(t, "%u") ? PT_UINT32 : !strcmp(t, "%i") ? PT_INT32
                : !strcmp(t, "%hu") ? PT_UINT16 : !strcmp(t, "%hi") ? PT_INT16
                : !strcmp(t, "%c") ? PT_BYTE : !strcmp(t, "%s") ? PT_STRING
                : !strcmp(t, "%*s") ? PT_BUFFER : PT_PBUFFER;
        }
        free(copy);
    }
    return 0;
}

int
mcu_identify(struct mcu *m, double timeout)
{
    static uint8_t data[65536];
    size_t len = 0;
    double end = mcu_monotonic() + timeout;
    while (mcu_monotonic() < end) {
        uint8_t payload[16], *p = payload;
        *p++ = 1;   // identify
        p = wire_encode_vlq(p, len);
        p = wire_encode_vlq(p, 40);
        if (send_payload(m, payload, p - payload))
            continue;
        struct mcu_response r;
        if (!mcu_wait(m, "identify_response", 1.0, &r))
            continue;
        if (r.values[0] != len)
            continue;
        if (!r.data_len)
            break;
        if (len + r.data_len > sizeof(data))
            return -1;
        memcpy(data + len, r.data, r.data_len);
        len += r.data_len;
    }
    static char json[1 << 20];
    uLongf json_len = sizeof(json) - 1;
    if (uncompress((Bytef *)json, &json_len, data, len) != Z_OK) {
        fprintf(stderr, "mcu: the dictionary (%zu bytes) does not inflate\n", len);
        return -1;
    }
    json[json_len] = 0;
    char err[256];
    m->dict = json_parse(json, err, sizeof(err));
    if (!m->dict) {
        fprintf(stderr, "mcu: the dictionary is not JSON: %s\n", err);
        return -1;
    }
    parse_formats(m, json_get(m->dict, "commands"), 1);
    parse_formats(m, json_get(m->dict, "responses"), 0);
    m->clock_freq = (uint32_t)mcu_constant(m, "CLOCK_FREQ", 0);
    return 0;
}

double
mcu_constant(struct mcu *m, const char *name, double def)
{
    const struct json *v = json_get(json_get(m->dict, "config"), name);
    return v && v->type == JSON_NUMBER ? v->number : def;
}


/****************************************************************
 * Commands and responses
 ****************************************************************/

// Looks value up in enumeration enum_name ("pin", "static_string_id"...).
static int
enum_value(struct mcu *m, const char *param, const char *value, uint32_t *out)
{
    const struct json *enums = json_get(m->dict, "enumerations");
    size_t e, i;
    for (e = 0; enums && e < enums->count; e++) {
        const char *ename = enums->keys[e];
        size_t pl = strlen(param), el = strlen(ename);
        if (strcmp(param, ename) && !(pl > el && param[pl - el - 1] == '_'
                                      && !strcmp(param + pl - el, ename)))
            continue;
        const struct json *en = &enums->items[e];
        for (i = 0; i < en->count; i++) {
            const char *key = en->keys[i];
            const struct json *v = &en->items[i];
            if (v->type == JSON_NUMBER) {
                if (!strcmp(key, value)) {
                    *out = (uint32_t)(int32_t)v->number;
                    return 0;
                }
                continue;
            }
            // A range "PA0": [start, count]: PA0..PA(count-1) from the key's number.
            size_t kl = strlen(key), digits = 0;
            while (digits < kl && key[kl - 1 - digits] >= '0' && key[kl - 1 - digits] <= '9')
                digits++;
            size_t prefix = kl - digits, vl = strlen(value);
            if (v->count != 2 || vl <= prefix || strncmp(key, value, prefix))
                continue;
            char *endp;
            long n = strtol(value + prefix, &endp, 10), first = atol(key + prefix);
            if (*endp || n < first || n >= first + (long)v->items[1].number)
                continue;
            *out = (uint32_t)(v->items[0].number + (n - first));
            return 0;
        }
    }
    return -1;
}

static int
encode_command(struct mcu *m, const char *command, uint8_t *out)
{
    char copy[512], *save = NULL;
    snprintf(copy, sizeof(copy), "%s", command);
    char *name = strtok_r(copy, " ", &save);
    int i, k;
    const struct mcu_format *f = NULL;
    for (i = 0; name && i < m->nformats && !f; i++)
        if (m->formats[i].is_command && !strcmp(m->formats[i].name, name))
            f = &m->formats[i];
    if (!f) {
        fprintf(stderr, "mcu: unknown command '%s'\n", name ? name : "");
        return -1;
    }
    char *values[MCU_MAX_PARAMS] = { 0 };
    char *word;
    while ((word = strtok_r(NULL, " ", &save))) {
        char *eq = strchr(word, '=');
        if (!eq)
            goto bad;
        *eq = 0;
        for (k = 0; k < f->nparams; k++)
            if (!strcmp(f->param_names[k], word))
                values[k] = eq + 1;
    }
    uint8_t *p = out;
    p = wire_encode_vlq(p, f->id);
    for (k = 0; k < f->nparams; k++) {
        if (!values[k]) {
            fprintf(stderr, "mcu: '%s' needs %s\n", command, f->param_names[k]);
            return -1;
        }
        if (f->param_types[k] >= PT_STRING) {
            int n = json_hex_bytes(values[k], p + 1, 48);
            if (n < 0)
                goto bad;
            *p = n;
            p += 1 + n;
            continue;
        }
        char *endp;
        long long v = strtoll(values[k], &endp, 0);
        uint32_t u = (uint32_t)v;
        if (*endp && enum_value(m, f->param_names[k], values[k], &u))
            goto bad;
        p = wire_encode_vlq(p, u);
    }
    return p - out;
bad:
    fprintf(stderr, "mcu: cannot encode '%s'\n", command);
    return -1;
}

int
mcu_send(struct mcu *m, const char *command)
{
    uint8_t payload[BLOCK_PAYLOAD_MAX + 16];
    int len = encode_command(m, command, payload);
    if (len < 0 || len > BLOCK_PAYLOAD_MAX)
        return -1;
    if (m->verbose)
        fprintf(stderr, "-> %s\n", command);
    return send_payload(m, payload, len);
}

int
mcu_wait(struct mcu *m, const char *name, double timeout, struct mcu_response *out)
{
    double end = mcu_monotonic() + timeout;
    for (;;) {
        int i;
        for (i = 0; i < m->backlog_len; i++) {
            if (!name || !strcmp(m->backlog[i].format->name, name)) {
                if (out)
                    *out = m->backlog[i];
                memmove(&m->backlog[i], &m->backlog[i + 1],
                        (m->backlog_len - i - 1) * sizeof(m->backlog[0]));
                m->backlog_len--;
                return 1;
            }
        }
        double left = end - mcu_monotonic();
        uint8_t block[BLOCK_MAX];
        if (left <= 0 || !read_block(m, block, left))
            return 0;
        decode_block(m, block);
    }
}

int
mcu_query(struct mcu *m, const char *command, const char *response, double timeout,
          struct mcu_response *out)
{
    int attempt;
    for (attempt = 0; attempt < 3; attempt++) {
        if (mcu_send(m, command))
            return -1;
        if (mcu_wait(m, response, timeout, out))
            return 0;
    }
    return -1;
}

uint32_t
mcu_param(const struct mcu_response *r, const char *name)
{
    int i;
    for (i = 0; i < r->format->nparams; i++)
        if (!strcmp(r->format->param_names[i], name))
            return r->values[i];
    return 0;
}

void
mcu_format_response(const struct mcu_response *r, char *buf, size_t len)
{
    size_t n = snprintf(buf, len, "%s", r->format->name);
    int i, k;
    for (i = 0; i < r->format->nparams && n < len; i++) {
        n += snprintf(buf + n, len - n, " %s=", r->format->param_names[i]);
        if (r->format->param_types[i] >= PT_STRING) {
            for (k = 0; k < r->data_len && n < len; k++)
                n += snprintf(buf + n, len - n, "%02x", r->data[k]);
        } else if (r->format->param_types[i] == PT_INT32 || r->format->param_types[i] == PT_INT16) {
            n += snprintf(buf + n, len - n, "%d", (int32_t)r->values[i]);
        } else {
            n += snprintf(buf + n, len - n, "%u", r->values[i]);
        }
    }
}

int
mcu_clock(struct mcu *m, uint32_t *clock)
{
    struct mcu_response r;
    if (mcu_query(m, "get_clock", "clock", 1.0, &r))
        return -1;
    *clock = mcu_param(&r, "clock");
    return 0;
}
