// Objects bound to oids, the shared move queue, and the memory they come from.
#ifndef ESC_BASECMD_H
#define ESC_BASECMD_H

#include <stdint.h>
#include "autoconf.h"
#include "compiler.h"

// Each kind of object is told apart by the address of a tag of its own.
struct oid_kind {
    const char *name;
};
#define DEFINE_OID_KIND(var, kind_name) \
    static const struct oid_kind var = { .name = kind_name }

void *oid_alloc(uint8_t oid, const struct oid_kind *kind, uint16_t size);
void *oid_lookup(uint8_t oid, const struct oid_kind *kind);
void *oid_next(uint8_t *oid, const struct oid_kind *kind);
#define foreach_oid(pos, data, kind) \
    for (pos = 0xff; (data = oid_next(&pos, kind)); )

// Memory before finalize_config; allocation after it shuts down.
void *alloc_chunk(uint32_t size);

// The move queue: fixed-size entries shared by steppers and scheduled outputs, carved
// out of all the memory that is left at finalize_config.
struct move_node {
    struct move_node *next;
};
struct move_queue {
    struct move_node *first, *last;
};
void move_queue_setup(struct move_queue *mq, uint16_t item_size);
void *move_alloc(void);
void move_free(void *m);
// Appends m; returns 1 when the queue was empty.
uint_fast8_t move_queue_push(struct move_node *m, struct move_queue *mq);
struct move_node *move_queue_pop(struct move_queue *mq);
static inline int move_queue_empty(const struct move_queue *mq) { return !mq->first; }
static inline struct move_node *move_queue_first(const struct move_queue *mq)
{ return mq->first; }
void move_queue_clear(struct move_queue *mq);
uint_fast8_t config_is_finalized(void);
#if CONFIG_MACH_TEST
void basecmd_test_reset(void);
#endif

#endif
