// The MCU side of the link: finding blocks in a byte stream (golden streams.json), acks
// and naks, sequence numbers, and garbage on the line.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "command.h"
#include "fakeboard.h"
#include "json.h"
#include "mcu.h"
#include "sched.h"
#include "test.h"

static uint8_t found[64][BLOCK_MAX];
static int found_len[64], found_count;

static void
record_block(const uint8_t *block, uint_fast8_t len)
{
    if (found_count < 64) {
        memcpy(found[found_count], block, len);
        found_len[found_count++] = len;
    }
}

TEST(streams_yield_exactly_the_golden_blocks)
{
    char path[512], err[256];
    snprintf(path, sizeof(path), "%s/streams.json", vectors_dir);
    struct json *v = json_parse_file(path, err, sizeof(err));
    CHECK(v != NULL);
    const struct json *cases = json_get(v, "cases");
    CHECK(cases && cases->count >= 10);
    size_t i, k;
    for (i = 0; cases && i < cases->count; i++) {
        // A fresh firmware for each stream (forked, so no state carries over).
        fflush(stdout);
        if (fork() == 0) {
            const struct json *c = &cases->items[i];
            mcu_start();
            console_block_hook = record_block;
            // Expect a sequence no block in the vectors uses: every block found is
            // naked, none dispatched, so only the framing is under test.
            console_set_sequence(9);
            uint8_t stream[256];
            int n = json_hex_bytes(json_get(c, "stream")->string, stream, sizeof(stream));
            uint32_t invalid_before = console_stats.invalid_bytes;
            mcu_send_bytes(stream, n);
            console_test_finish();
            const struct json *blocks = json_get(c, "blocks");
            int bad = 0;
            if (found_count != (int)blocks->count)
                bad = 1;
            for (k = 0; !bad && k < blocks->count; k++) {
                uint8_t payload[64];
                int m = json_hex_bytes(json_get(&blocks->items[k], "payload")->string,
                                       payload, sizeof(payload));
                int seq = (int)json_get(&blocks->items[k], "sequence")->number;
                if (found_len[k] != m + BLOCK_MIN || (found[k][1] & 0x0f) != seq
                    || memcmp(found[k] + BLOCK_HEADER, payload, m))
                    bad = 1;
            }
            long invalid = console_stats.invalid_bytes - invalid_before;
            if (invalid != (long)json_get(c, "invalid_bytes")->number)
                bad = 1;
            if (bad)
                fprintf(stderr, "    stream '%s': %d blocks (want %zu), %ld invalid bytes"
                        " (want %.0f)\n", json_get(c, "name")->string, found_count,
                        blocks->count, invalid, json_get(c, "invalid_bytes")->number);
            _exit(bad);
        }
        int status;
        wait(&status);
        CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    }
    json_free(v);
}

TEST(a_block_in_sequence_is_acknowledged_with_the_next_sequence)
{
    mcu_start();
    CHECK_EQ(mcu_send("get_clock"), 0);
    CHECK(mcu_last("clock") != NULL);
    CHECK_EQ(mcu_ack_count, 1);
    CHECK_EQ(mcu_acks[0], 1);
    mcu_clear();
    CHECK_EQ(mcu_send("get_clock"), 0);
    CHECK_EQ(mcu_acks[0], 2);
}

TEST(a_block_out_of_sequence_is_naked_and_not_run)
{
    mcu_start();
    uint8_t payload[8], block[BLOCK_MAX];
    int n = mcu_encode("get_clock", payload);
    // Sequence 5 while the MCU expects 0.
    n = wire_frame(block, 5, payload, n);
    mcu_send_bytes(block, n);
    CHECK(mcu_last("clock") == NULL);
    CHECK_EQ(mcu_ack_count, 1);
    CHECK_EQ(mcu_acks[0], 0);
    // The retransmission with the right sequence then runs.
    mcu_clear();
    CHECK_EQ(mcu_send("get_clock"), 0);
    CHECK(mcu_last("clock") != NULL);
    CHECK_EQ(mcu_acks[0], 1);
}

TEST(garbage_gets_one_nak_and_the_next_good_block_still_runs)
{
    mcu_start();
    uint8_t junk[300];
    int i;
    srand(7);
    for (i = 0; i < (int)sizeof(junk); i++)
        junk[i] = rand() & 0x7d;   // no sync byte inside: one bad run
    mcu_send_bytes(junk, sizeof(junk));
    CHECK_EQ(mcu_response_count, 0);
    CHECK_EQ(mcu_ack_count, 1);   // a single nak, not one per byte
    CHECK_EQ(mcu_acks[0], 0);
    // The sender puts a sync before retransmitting; the block after it is found.
    uint8_t sync = BLOCK_SYNC;
    mcu_send_bytes(&sync, 1);
    mcu_clear();
    CHECK_EQ(mcu_send("get_uptime"), 0);
    CHECK(mcu_last("uptime") != NULL);
    CHECK(!sched_is_shutdown());
}

TEST(a_corrupted_crc_is_naked_and_the_block_dropped)
{
    mcu_start();
    uint8_t payload[8], block[BLOCK_MAX];
    int n = mcu_encode("get_clock", payload);
    n = wire_frame(block, 0, payload, n);
    block[n - 2] ^= 0x40;
    mcu_send_bytes(block, n);
    CHECK(mcu_last("clock") == NULL);
    CHECK_EQ(mcu_ack_count, 1);
    CHECK_EQ(mcu_acks[0], 0);
}

TEST(several_commands_in_one_block_all_run_then_one_ack)
{
    mcu_start();
    uint8_t payload[64], block[BLOCK_MAX];
    int n = mcu_encode("get_clock", payload);
    n += mcu_encode("get_uptime", payload + n);
    n += mcu_encode("get_config", payload + n);
    n = mcu_frame(block, payload, n);
    CHECK_EQ(mcu_send_bytes(block, n), 0);
    CHECK(mcu_last("clock") && mcu_last("uptime") && mcu_last("config"));
    CHECK_EQ(mcu_ack_count, 1);
}

TEST(responses_carry_the_sequence_the_mcu_expects_next)
{
    mcu_start();
    CHECK_EQ(mcu_send("get_clock"), 0);
    // The response block was sent during dispatch, after the sequence moved on.
    CHECK_EQ(mcu_response_count, 1);
    CHECK_EQ(mcu_responses[0].seq, 1);
}
