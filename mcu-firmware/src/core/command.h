// The MCU side of the protocol: receiving blocks, dispatching commands, sending responses.
#ifndef ESC_COMMAND_H
#define ESC_COMMAND_H

#include <stdint.h>
#include "autoconf.h"
#include "compiler.h"
#include "decl.h"
#include "wire.h"

// Parameter types, in the order scripts/collect_decls.py numbers them.
enum {
    PT_uint32, PT_int32, PT_uint16, PT_int16, PT_byte,
    PT_string, PT_buffer, PT_progmem_buffer,
};

struct command_parser {
    void (*func)(uint32_t *args);
    const FLASH uint8_t *param_types;
    uint8_t num_params, num_args, flags;
};

struct command_encoder {
    uint16_t msgid;
    uint8_t num_params;
    const FLASH uint8_t *param_types;
};

// One sendf argument. Integers of every declared width travel as 32 bits; a buffer is a
// length and a pointer, so on the sim's 64-bit host an argument is pointer-sized.
#if UINTPTR_MAX > 0xffffffffu
typedef uintptr_t esc_arg_t;
#else
typedef uint32_t esc_arg_t;
#endif
#define ESC_PTR(p) ((esc_arg_t)(uintptr_t)(p))

// sendf("name a=%u b=%*s", a, len, ESC_PTR(data)): encode, frame and send one response.
// Call it from tasks and command handlers only, never from a timer.
#define sendf(fmt, ...) \
    command_sendf(ESC_RESPONSE(fmt), (const esc_arg_t[]){ 0, __VA_ARGS__ } + 1)
void command_sendf(const FLASH struct command_encoder *ce, const esc_arg_t *args);

// A %*s command argument arrives as (length, reference); this returns its bytes, which
// stay valid while the handler runs.
const uint8_t *command_buffer(uint32_t ref);

// Receiving: boards hand over bytes from the serial line (interrupt or poll context).
void console_rx_push(uint8_t c);
uint_fast16_t console_rx_space(void);
// The console task decodes blocks, dispatches their commands and sends acks and naks.
void console_task(void);

// Parses a command's parameters at *pp (not past end) into args; -1 when they are cut off.
int command_parse_args(const uint8_t **pp, const uint8_t *end,
                       const FLASH struct command_parser *cp, uint32_t *args);

#if CONFIG_MACH_TEST
extern void (*console_block_hook)(const uint8_t *block, uint_fast8_t len);
void console_test_finish(void);
void console_set_sequence(uint8_t seq);
void console_test_reset(void);
#endif

// Statistics of the link, for boards that can print them.
struct console_stats {
    uint32_t blocks, naks, invalid_bytes, rx_overruns, tx_dropped;
};
extern struct console_stats console_stats;

// Provided by the board: send one framed block (drop it if there is no room).
void console_send(const uint8_t *block, uint_fast8_t len);

#ifndef ESC_SCAN
#include "esc_generated.h"
#endif

#endif
