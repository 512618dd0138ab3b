// Trigger synchronisation (homing): a trsync fires once, from an endstop, a timeout or the
// host, and runs every signal attached to it (steppers stop).
#ifndef ESC_TRSYNC_H
#define ESC_TRSYNC_H

#include <stdint.h>

struct trsync;
struct trsync_signal;
typedef void (*trsync_callback_t)(struct trsync_signal *tss, uint8_t reason);
struct trsync_signal {
    struct trsync_signal *next;
    trsync_callback_t func;
};

struct trsync *trsync_oid_lookup(uint8_t oid);
void trsync_add_signal(struct trsync *ts, struct trsync_signal *tss, trsync_callback_t func);
// Fires the trsync (if it still can) with reason; safe from timers.
void trsync_do_trigger(struct trsync *ts, uint8_t reason);

#endif
