// libFuzzer target for the frame and command decoder, and everything the commands reach.
//
// The input is a list of records: a tag byte (kind in the top two bits, length in the
// rest) and its bytes.
//   0: raw bytes for the serial line (noise, hand-made or broken blocks)
//   1: a payload the harness frames with the right CRC and sequence (deep command paths)
//   2: a payload framed with a sequence taken from the input (out-of-order blocks)
//   3: let length * 10000 ticks pass, running the timers (steppers, outputs, sensors)
// Every input starts from a freshly reset firmware. ASan and UBSan watch memory and
// arithmetic; a hang is a timeout. See docs/firmware.md for the commands.
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "basecmd.h"
#include "board.h"
#include "command.h"
#include "fakeboard.h"
#include "sched.h"

static int started;

static void
run_tasks_guarded(void)
{
    volatile int rounds;
    for (rounds = 0; rounds < 4; rounds++) {
        if (setjmp(sched_shutdown_jmp)) {
            sched_handle_shutdown();
            continue;
        }
        sched_run_tasks_once();
        break;
    }
}

static void
run_time_guarded(uint32_t ticks)
{
    if (setjmp(sched_shutdown_jmp)) {
        sched_handle_shutdown();
        return;
    }
    fake_run_until(fake_now + ticks);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!started) {
        started = 1;
        esc_run_init();
        // A timer costs 20 ticks and more than 1 ms of lateness shuts down, as on a
        // real board; no test step may run more than a million timers.
        fake_event_ticks = 20;
        fake_late_limit = 50000;
        fake_max_events = 1000000;
    }
    fake_now = 1000000;
    sched_test_reset();
    basecmd_test_reset();
    console_test_reset();
    fake_clear_records();
    uint8_t seq = 0;
    size_t i = 0;
    while (i < size) {
        uint8_t tag = data[i++];
        size_t len = tag & 0x3f;
        if (len > size - i)
            len = size - i;
        const uint8_t *p = data + i;
        i += len;
        uint8_t block[BLOCK_MAX];
        size_t n, k;
        switch (tag >> 6) {
        case 0:
            for (k = 0; k < len; k++)
                console_rx_push(p[k]);
            break;
        case 1:
            if (len > BLOCK_PAYLOAD_MAX)
                len = BLOCK_PAYLOAD_MAX;
            n = wire_frame(block, seq++, p, len);
            for (k = 0; k < n; k++)
                console_rx_push(block[k]);
            break;
        case 2:
            if (!len)
                break;
            n = wire_frame(block, p[0], p + 1, len - 1 > BLOCK_PAYLOAD_MAX
                           ? BLOCK_PAYLOAD_MAX : len - 1);
            for (k = 0; k < n; k++)
                console_rx_push(block[k]);
            break;
        case 3:
            run_time_guarded((uint32_t)len * 10000);
            break;
        }
        run_tasks_guarded();
        fake_tx_len = 0;
    }
    return 0;
}
