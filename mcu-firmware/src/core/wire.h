// The wire format shared by the firmware and the host tools: CRC16, VLQ integers and the
// block frame (docs/protocol.md). Pure functions, no board or scheduler dependencies.
#ifndef ESC_WIRE_H
#define ESC_WIRE_H

#include <stdint.h>

enum {
    BLOCK_MIN = 5,                 // len, seq, crc_hi, crc_lo, sync
    BLOCK_MAX = 64,
    BLOCK_HEADER = 2,
    BLOCK_TRAILER = 3,
    BLOCK_PAYLOAD_MAX = BLOCK_MAX - BLOCK_MIN,
    BLOCK_POS_LEN = 0,
    BLOCK_POS_SEQ = 1,
    BLOCK_SEQ_MASK = 0x0f,
    BLOCK_DEST = 0x10,             // the fixed high nibble of the seq byte
    BLOCK_SYNC = 0x7e,
    VLQ_MAX_BYTES = 5,
};

// CRC-16/MCRF4XX (poly 0x1021 reflected, init 0xffff), as Klipper's blocks use.
uint16_t wire_crc16(const uint8_t *data, uint_fast8_t len);

// Writes v in the shortest signed VLQ form; returns the end of the written bytes.
uint8_t *wire_encode_vlq(uint8_t *p, uint32_t v);

// Reads a VLQ at *pp (never past end); returns 0 and leaves *pp after it on success,
// -1 when the bytes end inside the integer or it is longer than VLQ_MAX_BYTES.
int wire_parse_vlq(const uint8_t **pp, const uint8_t *end, uint32_t *value);

// Frames payload[0..len) into block (room for len + BLOCK_MIN bytes); returns its size.
uint_fast8_t wire_frame(uint8_t *block, uint_fast8_t seq, const uint8_t *payload,
                        uint_fast8_t len);

// Adds the header and trailer to a block whose payload is already at block[2..msglen-3).
void wire_finish_frame(uint8_t *block, uint_fast8_t msglen, uint_fast8_t seq);

#endif
