// The MCU side of the protocol (docs/protocol.md): find blocks in the received bytes,
// check them, run their commands, acknowledge them, and encode responses.
#include <string.h>
#include "board.h"
#include "command.h"
#include "sched.h"

struct console_stats console_stats;


/****************************************************************
 * Receive ring (filled by the board, emptied by the console task)
 ****************************************************************/

#define RX_SIZE CONFIG_RECEIVE_BUFFER_SIZE
#define RX_MASK (RX_SIZE - 1)
_Static_assert((RX_SIZE & RX_MASK) == 0 && RX_SIZE >= 2 * BLOCK_MAX,
               "receive buffer size must be a power of two of at least two blocks");

static uint8_t rx_ring[RX_SIZE];
static volatile uint16_t rx_head;   // advanced by the board
static uint16_t rx_tail;            // advanced by the console task
static struct task_wake console_wake;

void
console_rx_push(uint8_t c)
{
    uint16_t head = rx_head;
    if ((uint16_t)(head - rx_tail) >= RX_SIZE) {
        console_stats.rx_overruns++;
        return;
    }
    rx_ring[head & RX_MASK] = c;
    rx_head = head + 1;
    sched_wake_task(&console_wake);
}

uint_fast16_t
console_rx_space(void)
{
    irqstatus_t flag = irq_save();
    uint16_t used = rx_head - rx_tail;
    irq_restore(flag);
    return RX_SIZE - used;
}

static inline uint8_t
rx_peek(uint16_t offset)
{
    return rx_ring[(rx_tail + offset) & RX_MASK];
}

// The board's receive interrupt reads rx_tail: move it in one piece.
static void
rx_consume(uint16_t count)
{
    irqstatus_t flag = irq_save();
    rx_tail += count;
    irq_restore(flag);
}


/****************************************************************
 * Sending
 ****************************************************************/

// The sequence number the host's next block must carry; every block we send carries it.
static uint8_t next_sequence = BLOCK_DEST;

static void
send_ack(void)
{
    uint8_t block[BLOCK_MIN];
    wire_finish_frame(block, BLOCK_MIN, next_sequence);
    console_send(block, BLOCK_MIN);
}

static uint8_t *
encode_msgid(uint8_t *p, uint16_t msgid)
{
    if (msgid >= 0x80)
        *p++ = (msgid >> 7) | 0x80;
    *p++ = msgid & 0x7f;
    return p;
}

void
command_sendf(const FLASH struct command_encoder *ce, const esc_arg_t *args)
{
    uint8_t block[BLOCK_MAX];
    uint8_t *p = &block[BLOCK_HEADER];
    uint8_t *const end = &block[BLOCK_MAX - BLOCK_TRAILER];
    p = encode_msgid(p, ce->msgid);
    const FLASH uint8_t *types = ce->param_types;
    uint_fast8_t n = ce->num_params;
    while (n--) {
        uint_fast8_t t = *types++;
        if (t <= PT_byte) {
            if (end - p < VLQ_MAX_BYTES)
                goto too_long;
            p = wire_encode_vlq(p, (uint32_t)*args++);
            continue;
        }
        if (t == PT_string) {
            // A C string: the bytes up to its NUL.
            const char *s = (const char *)(uintptr_t)*args++;
            uint8_t *lenp = p++;
            while (*s && p < end)
                *p++ = (uint8_t)*s++;
            *lenp = p - lenp - 1;
            continue;
        }
        uint_fast8_t len = (uint_fast8_t)*args++;
        uintptr_t data = (uintptr_t)*args++;
        if ((ptrdiff_t)len >= end - p)
            goto too_long;
        *p++ = len;
        if (t == PT_progmem_buffer) {
            while (len--)
                *p++ = flash_read_byte(data++);
        } else {
            memcpy(p, (const void *)data, len);
            p += len;
        }
    }
    uint_fast8_t msglen = p - block + BLOCK_TRAILER;
    wire_finish_frame(block, msglen, next_sequence);
    console_send(block, msglen);
    return;
too_long:
    // Only a buggy caller gets here: responses are sized to fit a block.
    console_stats.tx_dropped++;
}


/****************************************************************
 * Dispatch
 ****************************************************************/

// The block being dispatched: a copy, so the receive ring is free again before its
// commands run, and a shutdown in the middle of them leaves nothing half-consumed.
static uint8_t dispatch_block[BLOCK_MAX];
static uint8_t ack_pending;

const uint8_t *
command_buffer(uint32_t ref)
{
    return &dispatch_block[ref & (BLOCK_MAX - 1)];
}

int
command_parse_args(const uint8_t **pp, const uint8_t *end,
                   const FLASH struct command_parser *cp, uint32_t *args)
{
    const uint8_t *p = *pp;
    const FLASH uint8_t *types = cp->param_types;
    uint_fast8_t n = cp->num_params;
    while (n--) {
        uint_fast8_t t = *types++;
        if (t <= PT_byte) {
            if (wire_parse_vlq(&p, end, args++))
                return -1;
            continue;
        }
        // Strings and buffers: a length byte, then the bytes, kept in place.
        if (p >= end)
            return -1;
        uint_fast8_t len = *p++;
        if ((ptrdiff_t)len > end - p)
            return -1;
        *args++ = len;
        *args++ = p - dispatch_block;
        p += len;
    }
    *pp = p;
    return 0;
}

static void
dispatch_block_commands(uint_fast8_t msglen)
{
    const uint8_t *p = &dispatch_block[BLOCK_HEADER];
    const uint8_t *end = &dispatch_block[msglen - BLOCK_TRAILER];
    while (p < end) {
        uint16_t cmdid = *p++;
        if (cmdid & 0x80) {
            if (p >= end)
                shutdown("Command parser error");
            cmdid = ((cmdid & 0x7f) << 7) | (*p++ & 0x7f);
        }
        if (cmdid >= ESC_COMMAND_ID_LIMIT)
            shutdown("Invalid command");
        const FLASH struct command_parser *cp = &esc_commands[cmdid];
        void (*func)(uint32_t *) = cp->func;
        if (!func)
            shutdown("Invalid command");
        uint32_t args[ESC_MAX_COMMAND_ARGS];
        if (command_parse_args(&p, end, cp, args))
            shutdown("Command parser error");
        if (sched_is_shutdown() && !(cp->flags & HF_IN_SHUTDOWN)) {
            sched_report_shutdown();
            continue;
        }
        irq_poll();
        func(args);
    }
}

// Klipper's MCU side: a bad block gets one nak, then silence until a good one arrives,
// so a burst of line noise does not turn into a burst of naks.
static uint8_t need_sync, nak_sent;

static void
bad_block(void)
{
    console_stats.naks += !nak_sent;
    need_sync = 1;
    if (!nak_sent) {
        nak_sent = 1;
        send_ack();
    }
}

void
console_task(void)
{
    if (ack_pending) {
        // A shutdown stopped the last block midway: acknowledge it now.
        ack_pending = 0;
        send_ack();
    }
    if (!sched_check_wake(&console_wake))
        return;
    for (;;) {
        irqstatus_t flag = irq_save();
        uint16_t avail = rx_head - rx_tail;
        irq_restore(flag);
        if (!avail)
            return;
        if (need_sync) {
            // Discard up to and including the next sync byte.
            uint16_t i;
            for (i = 0; i < avail; i++)
                if (rx_peek(i) == BLOCK_SYNC)
                    break;
            if (i < avail) {
                need_sync = 0;
                i++;
            }
            rx_consume(i);
            console_stats.invalid_bytes += i;
            continue;
        }
        uint_fast8_t len = rx_peek(BLOCK_POS_LEN);
        if (len == BLOCK_SYNC) {
            // A stray sync (senders put one before a retransmission): skip it quietly.
            rx_consume(1);
            console_stats.invalid_bytes++;
            continue;
        }
        if (len < BLOCK_MIN || len > BLOCK_MAX) {
            bad_block();
            continue;
        }
        if (avail < 2)
            return;
        uint_fast8_t seq = rx_peek(BLOCK_POS_SEQ);
        if ((seq & ~BLOCK_SEQ_MASK) != BLOCK_DEST) {
            bad_block();
            continue;
        }
        if (avail < len)
            return;   // wait for the rest of the block
        if (rx_peek(len - 1) != BLOCK_SYNC) {
            bad_block();
            continue;
        }
        uint_fast8_t i;
        for (i = 0; i < len; i++)
            dispatch_block[i] = rx_peek(i);
        uint16_t crc = wire_crc16(dispatch_block, len - BLOCK_TRAILER);
        if (dispatch_block[len - 3] != (crc >> 8)
            || dispatch_block[len - 2] != (uint8_t)crc) {
            bad_block();
            continue;
        }
        rx_consume(len);
        nak_sent = 0;
#if CONFIG_MACH_TEST
        if (console_block_hook)
            console_block_hook(dispatch_block, len);
#endif
        if (seq != next_sequence) {
            // Out of order (one was lost): drop it and say what we expect.
            console_stats.naks++;
            send_ack();
            continue;
        }
        next_sequence = ((seq + 1) & BLOCK_SEQ_MASK) | BLOCK_DEST;
        console_stats.blocks++;
        ack_pending = 1;
        dispatch_block_commands(len);
        ack_pending = 0;
        send_ack();
    }
}
DECL_TASK(console_task);

#if CONFIG_MACH_TEST
// For the unit tests: every valid block found, before its sequence number is checked.
void (*console_block_hook)(const uint8_t *block, uint_fast8_t len);

// For the unit tests, where a captured stream can end inside a block: treat the bytes
// held for an unfinished block as bad, and look for blocks in what follows.
void
console_test_finish(void)
{
    irqstatus_t flag = irq_save();
    uint16_t avail = rx_head - rx_tail;
    irq_restore(flag);
    if (avail && !need_sync) {
        if (rx_peek(0) == BLOCK_SYNC) {
            rx_consume(1);
            console_stats.invalid_bytes++;
        } else {
            need_sync = 1;
        }
    }
    sched_wake_task(&console_wake);
    console_task();
}

void
console_set_sequence(uint8_t seq)
{
    next_sequence = BLOCK_DEST | (seq & BLOCK_SEQ_MASK);
}

// For the fuzzer: back to the state after power-up.
void
console_test_reset(void)
{
    rx_head = rx_tail = 0;
    next_sequence = BLOCK_DEST;
    need_sync = nak_sent = ack_pending = 0;
    console_wake.wake = 0;
}
#endif

void
console_shutdown(void)
{
    // The task may have been stopped midway: make sure it runs again.
    sched_wake_task(&console_wake);
}
DECL_SHUTDOWN(console_shutdown);
