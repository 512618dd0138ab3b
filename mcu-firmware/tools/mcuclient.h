// A minimal host side of the protocol for the firmware's own tools (benchmark, smoke
// checks): it frames with the firmware's wire.c, fetches the dictionary with identify,
// sends commands written as text and decodes responses. One block in flight at a time.
#ifndef ESC_MCUCLIENT_H
#define ESC_MCUCLIENT_H

#include <stddef.h>
#include <stdint.h>
#include "json.h"

#define MCU_MAX_PARAMS 16

struct mcu_format {
    char *text;                     // "queue_step oid=%c interval=%u ..."
    char *name;                     // "queue_step"
    int id, nparams, is_command;
    char *param_names[MCU_MAX_PARAMS];
    uint8_t param_types[MCU_MAX_PARAMS];   // PT_* numbers of src/core/command.h
};

struct mcu_response {
    const struct mcu_format *format;
    uint32_t values[MCU_MAX_PARAMS];
    uint8_t data[64];               // the (last) byte-string parameter
    int data_len;
};

struct mcu {
    int fd;
    uint8_t next_seq;
    uint8_t rx[4096];
    size_t rx_len;
    struct json *dict;
    struct mcu_format *formats;
    int nformats;
    uint32_t clock_freq;
    int verbose;
    // Responses that arrived while waiting for something else.
    struct mcu_response backlog[64];
    int backlog_len;
};

// Opens a pseudo-terminal or serial device (baud 0: leave it alone) within timeout.
int mcu_open(struct mcu *m, const char *path, int baud, double timeout);
void mcu_close(struct mcu *m);
// Fetches and inflates the data dictionary; prints why on failure.
int mcu_identify(struct mcu *m, double timeout);
// Sends one command ("get_clock", "queue_step oid=0 interval=1000 count=5 add=0", pin
// names allowed) and waits until the MCU has acknowledged it.
int mcu_send(struct mcu *m, const char *command);
// Waits for a response named name (NULL: any); 1 if one came, 0 on timeout.
int mcu_wait(struct mcu *m, const char *name, double timeout, struct mcu_response *out);
// mcu_send followed by mcu_wait.
int mcu_query(struct mcu *m, const char *command, const char *response, double timeout,
              struct mcu_response *out);
// A named parameter of a response (0 when there is none).
uint32_t mcu_param(const struct mcu_response *r, const char *name);
// Prints a response in the text form ("clock clock=123").
void mcu_format_response(const struct mcu_response *r, char *buf, size_t len);
// A dictionary constant as a number (def when absent).
double mcu_constant(struct mcu *m, const char *name, double def);
// The current MCU clock (a get_clock round trip).
int mcu_clock(struct mcu *m, uint32_t *clock);
double mcu_monotonic(void);

#endif
