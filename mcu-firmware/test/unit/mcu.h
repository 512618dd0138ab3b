// Drives the firmware core in-process, the way a host drives it over the wire: commands
// written as text go in as framed blocks through the console; responses come back out of
// the fake board's transmit buffer and are decoded with the build's own dictionary.
#ifndef ESC_TEST_MCU_H
#define ESC_TEST_MCU_H

#include <stddef.h>
#include <stdint.h>

#define MCU_RESPONSES_MAX 4096

struct mcu_msg {
    char text[512];
    uint8_t seq;        // the sequence number of the block it came in
};

// Starts the firmware (scheduler, init functions) and loads out/test/escapement.dict.
void mcu_start(void);
// Sends one command (printf-style text) in its own block and runs the console until it is
// processed. Returns 0, or the static_string_id of a shutdown it caused.
int mcu_send(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
// Sends raw bytes (garbage, hand-made blocks) and runs the console.
int mcu_send_bytes(const uint8_t *data, size_t len);
// Frames a payload with the next sequence number.
size_t mcu_frame(uint8_t *block, const uint8_t *payload, size_t len);
// Encodes a command's text into payload bytes; returns the length (-1: not encodable).
int mcu_encode(const char *text, uint8_t *payload);
// Runs the timers due up to clock (each at its waketime). Returns 0 or a shutdown reason.
int mcu_run_until(uint32_t clock);
// The responses received since the last mcu_clear(), in the text form.
extern struct mcu_msg mcu_responses[MCU_RESPONSES_MAX];
extern int mcu_response_count;
void mcu_clear(void);
// The last response named name (NULL if none), and a parameter of such a text.
const char *mcu_last(const char *name);
int mcu_count(const char *name);
long long mcu_param(const char *text, const char *param);
// The text of a static_string_id (shutdown reasons).
const char *mcu_reason(int id);
// The id of a reason's text (0 if the dictionary has none).
int mcu_reason_id(const char *text);
// The acks and naks seen: the sequence numbers of the empty blocks, in order.
extern uint8_t mcu_acks[MCU_RESPONSES_MAX];
extern int mcu_ack_count;
// A constant of the dictionary.
long long mcu_constant(const char *name);

#endif
