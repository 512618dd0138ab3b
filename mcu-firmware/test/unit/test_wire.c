// The wire format against the golden vectors shared with the Java side
// (protocol/src/test/resources/vectors): VLQ, CRC16, block framing, message encoding.
#include <stdio.h>
#include <string.h>
#include "command.h"
#include "json.h"
#include "test.h"
#include "wire.h"

static struct json *
vectors(const char *name)
{
    char path[512], err[256];
    snprintf(path, sizeof(path), "%s/%s", vectors_dir, name);
    struct json *j = json_parse_file(path, err, sizeof(err));
    if (!j)
        test_fail(__FILE__, __LINE__, "%s: %s", path, err);
    return j;
}

TEST(vlq_encodes_every_golden_value)
{
    struct json *v = vectors("vlq.json");
    const struct json *cases = json_get(v, "encode");
    CHECK(cases && cases->count > 20);
    size_t i;
    for (i = 0; cases && i < cases->count; i++) {
        const struct json *c = &cases->items[i];
        uint32_t value = (uint32_t)(long long)json_get(c, "value")->number;
        uint8_t want[8], got[8];
        int n = json_hex_bytes(json_get(c, "bytes")->string, want, sizeof(want));
        int len = wire_encode_vlq(got, value) - got;
        CHECK_EQ(len, n);
        CHECK(!memcmp(got, want, n));
        // ...and decodes back to the same 32 bits, consuming exactly those bytes.
        const uint8_t *p = want;
        uint32_t back = 0;
        CHECK_EQ(wire_parse_vlq(&p, want + n, &back), 0);
        CHECK_EQ(back, value);
        CHECK_EQ(p - want, n);
    }
    json_free(v);
}

TEST(vlq_refuses_cut_off_and_overlong_input)
{
    struct json *v = vectors("vlq.json");
    const struct json *cases = json_get(v, "decode_errors");
    CHECK(cases && cases->count >= 3);
    size_t i;
    for (i = 0; cases && i < cases->count; i++) {
        uint8_t bytes[16];
        int n = json_hex_bytes(json_get(&cases->items[i], "bytes")->string, bytes,
                               sizeof(bytes));
        const uint8_t *p = bytes;
        uint32_t value;
        CHECK_EQ(wire_parse_vlq(&p, bytes + n, &value), -1);
        CHECK(p == bytes);
    }
    json_free(v);
}

TEST(crc16_matches_every_golden_value)
{
    struct json *v = vectors("crc16.json");
    const struct json *cases = json_get(v, "cases");
    CHECK(cases && cases->count >= 5);
    size_t i;
    for (i = 0; cases && i < cases->count; i++) {
        uint8_t data[128];
        int n = json_hex_bytes(json_get(&cases->items[i], "data")->string, data,
                               sizeof(data));
        CHECK_EQ(wire_crc16(data, n), (long long)json_get(&cases->items[i], "crc")->number);
    }
    json_free(v);
}

TEST(blocks_are_framed_byte_for_byte)
{
    struct json *v = vectors("blocks.json");
    const struct json *cases = json_get(v, "cases");
    CHECK(cases && cases->count >= 5);
    size_t i;
    for (i = 0; cases && i < cases->count; i++) {
        const struct json *c = &cases->items[i];
        uint8_t payload[64], want[80], got[80];
        int n = json_hex_bytes(json_get(c, "payload")->string, payload, sizeof(payload));
        int m = json_hex_bytes(json_get(c, "block")->string, want, sizeof(want));
        int len = wire_frame(got, (int)json_get(c, "sequence")->number, payload, n);
        CHECK_EQ(len, m);
        CHECK(!memcmp(got, want, m));
    }
    json_free(v);
}

// The firmware's parser and encoder, driven by the formats of messages.json.
static void
types_of(const char *format, uint8_t *types, int *count)
{
    *count = 0;
    const char *p = format;
    while ((p = strchr(p, '%'))) {
        p++;
        types[(*count)++] = !strncmp(p, "u", 1) ? PT_uint32 : !strncmp(p, "i", 1) ? PT_int32
            : !strncmp(p, "hu", 2) ? PT_uint16 : !strncmp(p, "hi", 2) ? PT_int16
            : !strncmp(p, "c", 1) ? PT_byte : !strncmp(p, "s", 1) ? PT_string
            : !strncmp(p, "*s", 2) ? PT_buffer : PT_progmem_buffer;
    }
}

static uint16_t
mcu_id(int dictionary_id)
{
    // The dictionary keeps the signed reading of the id bytes: -10 is the byte 0x76.
    return dictionary_id < 0 ? dictionary_id + 128 : dictionary_id;
}

TEST(responses_encode_like_the_golden_messages)
{
    struct json *v = vectors("messages.json");
    const struct json *cases = json_get(v, "cases");
    CHECK(cases && cases->count >= 10);
    extern uint8_t fake_tx[];
    extern size_t fake_tx_len;
    size_t i, k;
    for (i = 0; cases && i < cases->count; i++) {
        const struct json *c = &cases->items[i];
        uint8_t types[16], want[80], buffers[4][64];
        int ntypes, nb = 0, id = (int)json_get(c, "id")->number;
        if (id >= 96 && id < 128)
            continue;   // the MCU's 1-or-2 byte ids never give these dictionary values
        types_of(json_get(c, "format")->string, types, &ntypes);
        struct command_encoder ce = {
            .msgid = mcu_id(id), .num_params = ntypes,
            .param_types = types,
        };
        esc_arg_t args[32];
        int a = 0;
        const struct json *values = json_get(c, "values");
        for (k = 0; k < values->count; k++) {
            if (types[k] >= PT_string) {
                int n = json_hex_bytes(values->items[k].string, buffers[nb], 64);
                args[a++] = n;
                args[a++] = ESC_PTR(buffers[nb++]);
            } else {
                args[a++] = (uint32_t)(long long)values->items[k].number;
            }
        }
        fake_tx_len = 0;
        command_sendf(&ce, args);
        int m = json_hex_bytes(json_get(c, "bytes")->string, want, sizeof(want));
        // The block holds the message between the 2-byte header and the 3-byte trailer.
        CHECK_EQ(fake_tx_len, m + BLOCK_MIN);
        CHECK(!memcmp(fake_tx + BLOCK_HEADER, want, m));
    }
    json_free(v);
}

TEST(commands_parse_like_the_golden_messages)
{
    struct json *v = vectors("messages.json");
    const struct json *cases = json_get(v, "cases");
    size_t i, k;
    for (i = 0; cases && i < cases->count; i++) {
        const struct json *c = &cases->items[i];
        uint8_t types[16], bytes[80];
        int ntypes;
        types_of(json_get(c, "format")->string, types, &ntypes);
        struct command_parser cp = { .param_types = types, .num_params = ntypes };
        int m = json_hex_bytes(json_get(c, "bytes")->string, bytes, sizeof(bytes));
        const uint8_t *p = bytes, *end = bytes + m;
        uint32_t id;
        CHECK_EQ(wire_parse_vlq(&p, end, &id), 0);
        const uint8_t *start = p;
        uint32_t args[32];
        CHECK_EQ(command_parse_args(&p, end, &cp, args), 0);
        CHECK(p == end);
        const struct json *values = json_get(c, "values");
        int a = 0;
        for (k = 0; k < values->count; k++) {
            if (types[k] >= PT_string) {
                CHECK_EQ(args[a], strlen(values->items[k].string) / 2);
                a += 2;
            } else {
                CHECK_EQ(args[a++], (uint32_t)(long long)values->items[k].number);
            }
        }
        // Cut off anywhere inside the parameters, the parser refuses instead of reading on.
        int cut;
        for (cut = 0; ntypes && start + cut < end; cut++) {
            const uint8_t *q = start;
            CHECK_EQ(command_parse_args(&q, start + cut, &cp, args), -1);
        }
    }
    json_free(v);
}
