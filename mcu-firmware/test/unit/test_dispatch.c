// Command dispatch: identify serves the dictionary built from the declarations, the
// configuration phase, and every kind of bad command ending in its named shutdown.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include "command.h"
#include "fakeboard.h"
#include "json.h"
#include "mcu.h"
#include "sched.h"
#include "test.h"

TEST(identify_serves_the_compressed_dictionary_of_this_build)
{
    mcu_start();
    static uint8_t data[16384];
    size_t len = 0;
    for (;;) {
        mcu_clear();
        CHECK_EQ(mcu_send("identify offset=%zu count=40", len), 0);
        const char *r = mcu_last("identify_response");
        CHECK(r != NULL);
        if (!r)
            return;
        CHECK_EQ(mcu_param(r, "offset"), (long long)len);
        const char *hex = strstr(r, " data=") + 6;
        int n = json_hex_bytes(hex, data + len, sizeof(data) - len);
        CHECK(n >= 0 && n <= 40);
        if (n <= 0)
            break;
        len += n;
    }
    static char json[1 << 16];
    uLongf json_len = sizeof(json) - 1;
    CHECK_EQ(uncompress((Bytef *)json, &json_len, data, len), Z_OK);
    json[json_len] = 0;
    // Byte for byte the escapement.dict the build wrote.
    FILE *f = fopen("out/test/escapement.dict", "rb");
    static char file[1 << 16];
    size_t flen = f ? fread(file, 1, sizeof(file), f) : 0;
    if (f)
        fclose(f);
    CHECK_EQ(flen, json_len);
    CHECK(!memcmp(file, json, flen));
    // And it says what this firmware has.
    char err[128];
    struct json *d = json_parse(json, err, sizeof(err));
    CHECK(json_get(json_get(d, "commands"), "identify offset=%u count=%c") != NULL);
    CHECK_EQ(json_get(json_get(d, "commands"), "identify offset=%u count=%c")->number, 1);
    CHECK_EQ(json_get(json_get(d, "responses"),
                      "identify_response offset=%u data=%.*s")->number, 0);
    CHECK(json_get(json_get(d, "commands"),
                   "queue_step oid=%c interval=%u count=%hu add=%hi") != NULL);
    CHECK(json_get(json_get(d, "config"), "CLOCK_FREQ") != NULL);
    CHECK(json_get(json_get(json_get(d, "enumerations"), "static_string_id"),
                   "Timer too close") != NULL);
    json_free(d);
}

TEST(identify_past_the_end_returns_empty_data)
{
    mcu_start();
    CHECK_EQ(mcu_send("identify offset=100000 count=40"), 0);
    const char *r = mcu_last("identify_response");
    CHECK(r && strstr(r, " data=") && !strstr(r, " data=")[6]);
    // An oversized count is cut to what fits in one block, not a shutdown.
    mcu_clear();
    CHECK_EQ(mcu_send("identify offset=0 count=255"), 0);
    r = mcu_last("identify_response");
    CHECK(r && strlen(strstr(r, " data=") + 6) == 2 * 48);
}

TEST(config_phase_reports_crc_and_move_queue)
{
    mcu_start();
    CHECK_EQ(mcu_send("get_config"), 0);
    CHECK_EQ(mcu_param(mcu_last("config"), "is_config"), 0);
    CHECK_EQ(mcu_send("allocate_oids count=3"), 0);
    CHECK_EQ(mcu_send("config_stepper oid=0 step_pin=1 dir_pin=2 invert_step=0"
                      " step_pulse_ticks=100"), 0);
    CHECK_EQ(mcu_send("config_digital_out oid=1 pin=3 value=0 default_value=0"
                      " max_duration=0"), 0);
    CHECK_EQ(mcu_send("finalize_config crc=3915627893"), 0);
    mcu_clear();
    CHECK_EQ(mcu_send("get_config"), 0);
    const char *r = mcu_last("config");
    CHECK_EQ(mcu_param(r, "is_config"), 1);
    CHECK_EQ(mcu_param(r, "crc"), 3915627893LL);
    CHECK_EQ(mcu_param(r, "is_shutdown"), 0);
    // The queue takes all memory left, up to its maximum.
    CHECK(mcu_param(r, "move_count") > 100);
    CHECK(mcu_param(r, "move_count") <= 1024);
}

TEST(unknown_message_id_shuts_down_with_invalid_command)
{
    mcu_start();
    uint8_t payload[] = { 0x7f };   // far beyond the last command id
    uint8_t block[BLOCK_MAX];
    int n = mcu_frame(block, payload, sizeof(payload));
    CHECK_EQ(mcu_send_bytes(block, n), mcu_reason_id("Invalid command"));
    CHECK(mcu_last("shutdown") != NULL);
    // The block that caused it is still acknowledged.
    CHECK_EQ(mcu_ack_count, 1);
    // A response id sent as a command is just as unknown.
    uint8_t response_id[] = { 0x00 };
    mcu_clear();
    n = mcu_frame(block, response_id, 1);
    mcu_send_bytes(block, n);
    CHECK(mcu_last("shutdown") != NULL);
}

TEST(cut_off_parameters_shut_down_with_parser_error)
{
    mcu_start();
    uint8_t payload[16], block[BLOCK_MAX];
    int n = mcu_encode("get_config", payload);   // fine, then a cut-off queue_step
    int m = mcu_encode("queue_step oid=0 interval=100000 count=5 add=0", payload + n);
    n = mcu_frame(block, payload, n + m - 2);
    CHECK_EQ(mcu_send_bytes(block, n), mcu_reason_id("Command parser error"));
    CHECK(mcu_last("config") != NULL);   // what came before it ran
}

TEST(commands_need_their_oids)
{
    mcu_start();
    CHECK_EQ(mcu_send("stepper_get_position oid=0"), mcu_reason_id("Invalid oid type"));
}

TEST(wrong_kind_of_oid_is_refused)
{
    mcu_start();
    mcu_send("allocate_oids count=2");
    mcu_send("config_endstop oid=0 pin=4 pull_up=1");
    CHECK_EQ(mcu_send("queue_step oid=0 interval=100 count=5 add=0"),
             mcu_reason_id("Invalid oid type"));
}

TEST(config_after_finalize_is_refused)
{
    mcu_start();
    mcu_send("allocate_oids count=2");
    mcu_send("finalize_config crc=1");
    CHECK_EQ(mcu_send("config_endstop oid=0 pin=4 pull_up=1"),
             mcu_reason_id("Can't assign oid"));
    mcu_send("clear_shutdown");
    CHECK_EQ(mcu_send("finalize_config crc=2"), mcu_reason_id("Already finalized"));
}

TEST(oids_out_of_range_and_twice_are_refused)
{
    mcu_start();
    mcu_send("allocate_oids count=2");
    CHECK_EQ(mcu_send("config_trsync oid=2"), mcu_reason_id("Can't assign oid"));
    mcu_start();
}

TEST(allocating_oids_twice_is_refused)
{
    mcu_start();
    mcu_send("allocate_oids count=2");
    CHECK_EQ(mcu_send("allocate_oids count=3"), mcu_reason_id("oids already allocated"));
}

TEST(while_shut_down_only_shutdown_safe_commands_run)
{
    mcu_start();
    mcu_send("allocate_oids count=1");
    mcu_send("config_trsync oid=0");
    mcu_send("finalize_config crc=0");
    CHECK_EQ(mcu_send("emergency_stop"), mcu_reason_id("Command request"));
    CHECK_EQ(mcu_param(mcu_last("shutdown"), "static_string_id"),
             mcu_reason_id("Command request"));
    mcu_clear();
    CHECK_EQ(mcu_send("trsync_start oid=0 report_clock=0 report_ticks=0 expire_reason=4"), 0);
    CHECK_EQ(mcu_param(mcu_last("is_shutdown"), "static_string_id"),
             mcu_reason_id("Command request"));
    // These still answer.
    mcu_clear();
    mcu_send("get_clock");
    mcu_send("get_uptime");
    mcu_send("get_config");
    mcu_send("identify offset=0 count=8");
    CHECK(mcu_last("clock") && mcu_last("uptime") && mcu_last("identify_response"));
    CHECK_EQ(mcu_param(mcu_last("config"), "is_shutdown"), 1);
    // clear_shutdown ends it; a second one is itself an error.
    mcu_clear();
    CHECK_EQ(mcu_send("clear_shutdown"), 0);
    CHECK(!sched_is_shutdown());
    CHECK_EQ(mcu_send("clear_shutdown"), mcu_reason_id("Shutdown cleared when not shutdown"));
}

TEST(config_reset_forgets_the_configuration_after_a_shutdown)
{
    mcu_start();
    mcu_send("allocate_oids count=1");
    mcu_send("finalize_config crc=5");
    CHECK_EQ(mcu_send("config_reset"), mcu_reason_id("config_reset only available when shutdown"));
    mcu_clear();
    CHECK_EQ(mcu_send("config_reset"), 0);
    mcu_send("get_config");
    CHECK_EQ(mcu_param(mcu_last("config"), "is_config"), 0);
    CHECK_EQ(mcu_param(mcu_last("config"), "is_shutdown"), 0);
    // ...and takes a new one.
    CHECK_EQ(mcu_send("allocate_oids count=4"), 0);
    CHECK_EQ(mcu_send("finalize_config crc=6"), 0);
    mcu_clear();
    mcu_send("get_config");
    CHECK_EQ(mcu_param(mcu_last("config"), "crc"), 6);
}

TEST(debug_ping_echoes_its_bytes)
{
    mcu_start();
    CHECK_EQ(mcu_send("debug_ping data=007e0aff"), 0);
    CHECK_STR(mcu_last("pong"), "pong data=007e0aff");
    mcu_send("debug_nop");
    CHECK(!sched_is_shutdown());
}

TEST(uptime_and_clock_follow_the_board_clock)
{
    mcu_start();
    fake_now = 123456789;
    mcu_send("get_clock");
    CHECK_EQ(mcu_param(mcu_last("clock"), "clock"), 123456789);
    mcu_send("get_uptime");
    CHECK_EQ(mcu_param(mcu_last("uptime"), "high"), 0);
    // Across the 32-bit wrap the high word counts up (the heartbeat keeps track).
    uint32_t t = 123456789;
    int i;
    for (i = 0; i < 1000; i++) {
        t += 5000000;   // 100 ms at 50 MHz
        mcu_run_until(t);
    }
    mcu_clear();
    mcu_send("get_uptime");
    CHECK_EQ(mcu_param(mcu_last("uptime"), "high"), 1);
    CHECK_EQ(mcu_param(mcu_last("uptime"), "clock"), t);
}

TEST(stats_are_reported_every_five_seconds)
{
    mcu_start();
    uint32_t t = 0;
    int i;
    for (i = 0; i < 60; i++) {
        t += 5000000;
        mcu_run_until(t);
    }
    // 6 s of clock: one report (the first window ends 5 s after start).
    CHECK_EQ(mcu_count("stats"), 1);
    CHECK(mcu_param(mcu_last("stats"), "count") > 0);
}
