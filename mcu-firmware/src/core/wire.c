// CRC16, VLQ integers and block framing: the bytes both sides of the link must agree on.
#include <string.h>
#include "wire.h"

uint16_t
wire_crc16(const uint8_t *data, uint_fast8_t len)
{
    // Byte-wise form of the reflected CCITT polynomial: no table, cheap on an 8-bit AVR.
    uint16_t crc = 0xffff;
    while (len--) {
        uint8_t d = *data++ ^ (uint8_t)crc;
        d ^= (uint8_t)(d << 4);
        crc = (((uint16_t)d << 8) | (crc >> 8)) ^ (uint8_t)(d >> 4) ^ ((uint16_t)d << 3);
    }
    return crc;
}

uint8_t *
wire_encode_vlq(uint8_t *p, uint32_t v)
{
    // The first byte carries a sign bit (0x40), so ranges are asymmetric: -32..95 fits
    // in one byte, -4096..12287 in two, and so on.
    int32_t sv = (int32_t)v;
    uint_fast8_t groups;
    if (sv >= -(1L << 5) && sv < (3L << 5))
        groups = 1;
    else if (sv >= -(1L << 12) && sv < (3L << 12))
        groups = 2;
    else if (sv >= -(1L << 19) && sv < (3L << 19))
        groups = 3;
    else if (sv >= -(1L << 26) && sv < (3L << 26))
        groups = 4;
    else
        groups = 5;
    if (groups == 5) {
        // The top group carries the sign into bits 32..34, as Klipper's host writes it.
        *p++ = (uint8_t)((sv >> 28) | 0x80);
        groups--;
    }
    while (--groups)
        *p++ = (uint8_t)(((v >> (7 * groups)) & 0x7f) | 0x80);
    *p++ = v & 0x7f;
    return p;
}

int
wire_parse_vlq(const uint8_t **pp, const uint8_t *end, uint32_t *value)
{
    const uint8_t *p = *pp;
    if (p >= end)
        return -1;
    uint8_t c = *p++;
    uint32_t v = c & 0x7f;
    if ((c & 0x60) == 0x60)
        v |= (uint32_t)-0x20;
    uint_fast8_t n = 1;
    while (c & 0x80) {
        if (p >= end || ++n > VLQ_MAX_BYTES)
            return -1;
        c = *p++;
        v = (v << 7) | (c & 0x7f);
    }
    *pp = p;
    *value = v;
    return 0;
}

void
wire_finish_frame(uint8_t *block, uint_fast8_t msglen, uint_fast8_t seq)
{
    block[BLOCK_POS_LEN] = msglen;
    block[BLOCK_POS_SEQ] = BLOCK_DEST | (seq & BLOCK_SEQ_MASK);
    uint16_t crc = wire_crc16(block, msglen - BLOCK_TRAILER);
    block[msglen - 3] = crc >> 8;
    block[msglen - 2] = (uint8_t)crc;
    block[msglen - 1] = BLOCK_SYNC;
}

uint_fast8_t
wire_frame(uint8_t *block, uint_fast8_t seq, const uint8_t *payload, uint_fast8_t len)
{
    memmove(&block[BLOCK_HEADER], payload, len);
    uint_fast8_t msglen = len + BLOCK_MIN;
    wire_finish_frame(block, msglen, seq);
    return msglen;
}
