// A small recursive-descent JSON reader (RFC 8259, without surrogate-pair handling
// beyond the basic plane).
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "json.h"

struct parser {
    const char *p;
    char *err;
    size_t errlen;
    int failed;
};

static void
fail(struct parser *ps, const char *what)
{
    if (!ps->failed)
        snprintf(ps->err, ps->errlen, "%s near '%.20s'", what, ps->p);
    ps->failed = 1;
}

static void
skip_space(struct parser *ps)
{
    while (isspace((unsigned char)*ps->p))
        ps->p++;
}

static int parse_value(struct parser *ps, struct json *out, int depth);

static char *
parse_string(struct parser *ps)
{
    size_t cap = 16, len = 0;
    char *s = malloc(cap);
    ps->p++;   // opening quote
    for (;;) {
        unsigned char c = *ps->p;
        if (!c) {
            fail(ps, "unterminated string");
            free(s);
            return NULL;
        }
        ps->p++;
        if (c == '"')
            break;
        char buf[4];
        int n = 1;
        buf[0] = c;
        if (c == '\\') {
            char e = *ps->p++;
            switch (e) {
            case '"': case '\\': case '/': buf[0] = e; break;
            case 'b': buf[0] = '\b'; break;
            case 'f': buf[0] = '\f'; break;
            case 'n': buf[0] = '\n'; break;
            case 'r': buf[0] = '\r'; break;
            case 't': buf[0] = '\t'; break;
            case 'u': {
                unsigned v;
                if (sscanf(ps->p, "%4x", &v) != 1) {
                    fail(ps, "bad \\u escape");
                    free(s);
                    return NULL;
                }
                ps->p += 4;
                if (v < 0x80) {
                    buf[0] = v;
                } else if (v < 0x800) {
                    buf[0] = 0xc0 | (v >> 6);
                    buf[1] = 0x80 | (v & 0x3f);
                    n = 2;
                } else {
                    buf[0] = 0xe0 | (v >> 12);
                    buf[1] = 0x80 | ((v >> 6) & 0x3f);
                    buf[2] = 0x80 | (v & 0x3f);
                    n = 3;
                }
                break;
            }
            default:
                fail(ps, "bad escape");
                free(s);
                return NULL;
            }
        }
        if (len + n + 1 > cap) {
            cap = cap * 2 + n;
            s = realloc(s, cap);
        }
        memcpy(s + len, buf, n);
        len += n;
    }
    s[len] = 0;
    return s;
}

static int
parse_container(struct parser *ps, struct json *out, int depth, int object)
{
    char close = object ? '}' : ']';
    size_t cap = 0;
    out->type = object ? JSON_OBJECT : JSON_ARRAY;
    ps->p++;
    skip_space(ps);
    if (*ps->p == close) {
        ps->p++;
        return 0;
    }
    for (;;) {
        if (out->count == cap) {
            cap = cap ? cap * 2 : 8;
            out->items = realloc(out->items, cap * sizeof(*out->items));
            if (object)
                out->keys = realloc(out->keys, cap * sizeof(*out->keys));
        }
        skip_space(ps);
        if (object) {
            if (*ps->p != '"') {
                fail(ps, "expected a member name");
                return -1;
            }
            char *key = parse_string(ps);
            if (!key)
                return -1;
            out->keys[out->count] = key;
            skip_space(ps);
            if (*ps->p != ':') {
                out->count++;
                memset(&out->items[out->count - 1], 0, sizeof(struct json));
                fail(ps, "expected ':'");
                return -1;
            }
            ps->p++;
        }
        memset(&out->items[out->count], 0, sizeof(struct json));
        out->count++;
        if (parse_value(ps, &out->items[out->count - 1], depth + 1))
            return -1;
        skip_space(ps);
        if (*ps->p == ',') {
            ps->p++;
            continue;
        }
        if (*ps->p == close) {
            ps->p++;
            return 0;
        }
        fail(ps, object ? "expected ',' or '}'" : "expected ',' or ']'");
        return -1;
    }
}

static int
parse_value(struct parser *ps, struct json *out, int depth)
{
    if (depth > 64) {
        fail(ps, "nested too deeply");
        return -1;
    }
    skip_space(ps);
    const char *p = ps->p;
    if (*p == '{' || *p == '[')
        return parse_container(ps, out, depth, *p == '{');
    if (*p == '"') {
        out->type = JSON_STRING;
        out->string = parse_string(ps);
        return out->string ? 0 : -1;
    }
    if (!strncmp(p, "true", 4) || !strncmp(p, "false", 5)) {
        out->type = JSON_BOOL;
        out->number = *p == 't';
        ps->p += *p == 't' ? 4 : 5;
        return 0;
    }
    if (!strncmp(p, "null", 4)) {
        out->type = JSON_NULL;
        ps->p += 4;
        return 0;
    }
    char *end;
    out->number = strtod(p, &end);
    if (end == p) {
        fail(ps, "unexpected character");
        return -1;
    }
    out->type = JSON_NUMBER;
    ps->p = end;
    return 0;
}

static void
free_contents(struct json *j)
{
    size_t i;
    for (i = 0; i < j->count; i++) {
        free_contents(&j->items[i]);
        if (j->keys)
            free(j->keys[i]);
    }
    free(j->items);
    free(j->keys);
    free(j->string);
}

void
json_free(struct json *j)
{
    if (j) {
        free_contents(j);
        free(j);
    }
}

struct json *
json_parse(const char *text, char *err, size_t errlen)
{
    struct parser ps = { .p = text, .err = err, .errlen = errlen };
    struct json *j = calloc(1, sizeof(*j));
    if (parse_value(&ps, j, 0) == 0) {
        skip_space(&ps);
        if (*ps.p)
            fail(&ps, "text after the value");
    }
    if (ps.failed) {
        json_free(j);
        return NULL;
    }
    return j;
}

struct json *
json_parse_file(const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "cannot open %s", path);
        return NULL;
    }
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *text = malloc(size + 1);
    size_t got = fread(text, 1, size, f);
    fclose(f);
    text[got] = 0;
    struct json *j = json_parse(text, err, errlen);
    free(text);
    return j;
}

const struct json *
json_get(const struct json *j, const char *key)
{
    size_t i;
    if (!j || j->type != JSON_OBJECT)
        return NULL;
    for (i = 0; i < j->count; i++)
        if (!strcmp(j->keys[i], key))
            return &j->items[i];
    return NULL;
}

int
json_hex_bytes(const char *hex, unsigned char *out, size_t max)
{
    size_t n = strlen(hex), i;
    if (n % 2 || n / 2 > max)
        return -1;
    for (i = 0; i < n / 2; i++) {
        unsigned v;
        if (sscanf(hex + 2 * i, "%2x", &v) != 1)
            return -1;
        out[i] = v;
    }
    return n / 2;
}
