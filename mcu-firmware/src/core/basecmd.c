// The commands every board has: configuration (oids, finalize, CRC), identify, clocks,
// shutdown control and the debug pair. Also the memory behind oids and the move queue.
#include <string.h>
#include "basecmd.h"
#include "board.h"
#include "command.h"
#include "sched.h"

DECL_CONSTANT_STR("MCU", CONFIG_MCU);
DECL_CONSTANT("CLOCK_FREQ", CONFIG_CLOCK_FREQ);
#if CONFIG_HAVE_SERIAL
DECL_CONSTANT("SERIAL_BAUD", CONFIG_SERIAL_BAUD);
DECL_CONSTANT("RECEIVE_WINDOW", CONFIG_RECEIVE_WINDOW);
_Static_assert(CONFIG_RECEIVE_WINDOW + BLOCK_MAX <= CONFIG_RECEIVE_BUFFER_SIZE,
               "the receive window must leave room for one more block");
#endif


/****************************************************************
 * Memory: a bump allocator, closed at finalize_config
 ****************************************************************/

#define ALLOC_ALIGN __alignof__(union { void *p; uint32_t u; })

static char *alloc_next;

static void
alloc_reset(void)
{
    uintptr_t start = (uintptr_t)dynmem_start();
    alloc_next = (char *)((start + ALLOC_ALIGN - 1) & ~(uintptr_t)(ALLOC_ALIGN - 1));
}

void *
alloc_chunk(uint32_t size)
{
    size = (size + ALLOC_ALIGN - 1) & ~(uint32_t)(ALLOC_ALIGN - 1);
    if (size > (uint32_t)((char *)dynmem_end() - alloc_next))
        shutdown("Out of memory for configured objects");
    void *data = alloc_next;
    alloc_next += size;
    memset(data, 0, size);
    return data;
}


/****************************************************************
 * Move queue
 ****************************************************************/

static struct move_node *move_free_list;
static char *move_items;
static uint16_t move_count, move_item_size;

uint_fast8_t
config_is_finalized(void)
{
    return move_count != 0;
}

void
move_queue_setup(struct move_queue *mq, uint16_t item_size)
{
    mq->first = mq->last = NULL;
    if (item_size > move_item_size)
        move_item_size = item_size;
}

void *
move_alloc(void)
{
    irqstatus_t flag = irq_save();
    struct move_node *m = move_free_list;
    if (!m)
        shutdown("Move queue overflow");
    move_free_list = m->next;
    irq_restore(flag);
    return m;
}

// Interrupts must be off (a timer or a command holding them off).
void
move_free(void *m)
{
    struct move_node *node = m;
    node->next = move_free_list;
    move_free_list = node;
}

uint_fast8_t
move_queue_push(struct move_node *m, struct move_queue *mq)
{
    m->next = NULL;
    if (mq->first) {
        mq->last->next = m;
        mq->last = m;
        return 0;
    }
    mq->first = mq->last = m;
    return 1;
}

struct move_node *
move_queue_pop(struct move_queue *mq)
{
    struct move_node *m = mq->first;
    mq->first = m->next;
    return m;
}

// Forget a queue's entries; the shutdown rebuilds the free list from scratch.
void
move_queue_clear(struct move_queue *mq)
{
    mq->first = mq->last = NULL;
}

static void
move_free_all(void)
{
    move_free_list = NULL;
    uint16_t i = move_count;
    while (i--)
        move_free(move_items + (uint32_t)i * move_item_size);
}

void
move_shutdown(void)
{
    move_free_all();
}
DECL_SHUTDOWN(move_shutdown);

static void
move_finalize(void)
{
    if (move_item_size < sizeof(struct move_node))
        move_item_size = sizeof(struct move_node);
    move_item_size = (move_item_size + ALLOC_ALIGN - 1) & ~(ALLOC_ALIGN - 1);
    // Every byte that configuration left over goes to the queue.
    uint32_t room = (char *)dynmem_end() - alloc_next;
    uint32_t count = room / move_item_size;
    if (count > CONFIG_MOVE_QUEUE_MAX)
        count = CONFIG_MOVE_QUEUE_MAX;
    if (!count)
        shutdown("Out of memory for the move queue");
    move_items = alloc_chunk(count * move_item_size);
    move_count = count;
    move_free_all();
}


/****************************************************************
 * Object ids
 ****************************************************************/

struct oid_entry {
    const struct oid_kind *kind;
    void *data;
};
static struct oid_entry *oids;
static uint8_t oid_count;

void *
oid_lookup(uint8_t oid, const struct oid_kind *kind)
{
    if (oid >= oid_count || oids[oid].kind != kind)
        shutdown("Invalid oid type");
    return oids[oid].data;
}

void *
oid_alloc(uint8_t oid, const struct oid_kind *kind, uint16_t size)
{
    if (oid >= oid_count || oids[oid].kind || config_is_finalized())
        shutdown("Can't assign oid");
    void *data = alloc_chunk(size);
    oids[oid].kind = kind;
    oids[oid].data = data;
    return data;
}

void *
oid_next(uint8_t *oid, const struct oid_kind *kind)
{
    uint8_t i = *oid;
    for (;;) {
        i++;
        if (i >= oid_count)
            return NULL;
        if (oids[i].kind == kind) {
            *oid = i;
            return oids[i].data;
        }
    }
}

void
command_allocate_oids(uint32_t *args)
{
    if (oids)
        shutdown("oids already allocated");
    uint8_t count = args[0];
    oids = alloc_chunk(sizeof(oids[0]) * count);
    oid_count = count;
}
DECL_COMMAND(command_allocate_oids, "allocate_oids count=%c");


/****************************************************************
 * Configuration
 ****************************************************************/

static uint32_t config_crc;

void
command_get_config(uint32_t *args UNUSED)
{
    sendf("config is_config=%c crc=%u is_shutdown=%c move_count=%hu",
          config_is_finalized(), config_crc, sched_is_shutdown(), move_count);
}
DECL_COMMAND_FLAGS(command_get_config, HF_IN_SHUTDOWN, "get_config");

void
command_finalize_config(uint32_t *args)
{
    if (config_is_finalized())
        shutdown("Already finalized");
    move_finalize();
    config_crc = args[0];
}
DECL_COMMAND(command_finalize_config, "finalize_config crc=%u");

#if !CONFIG_HAVE_BOARD_RESET || CONFIG_MACH_TEST
static void
forget_configuration(void)
{
    config_crc = 0;
    oids = NULL;
    oid_count = 0;
    move_free_list = NULL;
    move_items = NULL;
    move_count = move_item_size = 0;
    alloc_reset();
}
#endif

void
basecmd_init(void)
{
    alloc_reset();
}
DECL_INIT(basecmd_init);

#if CONFIG_MACH_TEST
// For the fuzzer: no configuration, as after power-up.
void
basecmd_test_reset(void)
{
    forget_configuration();
}
#endif

#if CONFIG_HAVE_BOARD_RESET
void
command_reset(uint32_t *args UNUSED)
{
    board_reset();
}
DECL_COMMAND_FLAGS(command_reset, HF_IN_SHUTDOWN, "reset");
#else
// Without a way to restart the chip, forget the configuration in place. The host sends
// it after a shutdown, then configures again.
void
command_config_reset(uint32_t *args UNUSED)
{
    if (!sched_is_shutdown())
        shutdown("config_reset only available when shutdown");
    irq_disable();
    forget_configuration();
    sched_timer_reset();
    sched_clear_shutdown();
    irq_enable();
}
DECL_COMMAND_FLAGS(command_config_reset, HF_IN_SHUTDOWN, "config_reset");
#endif


/****************************************************************
 * Identify, clocks, shutdown control, debug
 ****************************************************************/

// The most identify bytes one response can carry (the host asks for 40).
#define IDENTIFY_CHUNK_MAX 48

void
command_identify(uint32_t *args)
{
    uint32_t offset = args[0];
    uint_fast8_t count = args[1];
    if (count > IDENTIFY_CHUNK_MAX)
        count = IDENTIFY_CHUNK_MAX;
    if (offset >= ESC_IDENTIFY_SIZE)
        count = 0;
    else if (count > ESC_IDENTIFY_SIZE - offset)
        count = ESC_IDENTIFY_SIZE - offset;
    const FLASH uint8_t *data = &esc_identify_data[count ? offset : 0];
    sendf("identify_response offset=%u data=%.*s", offset, count, ESC_PTR(data));
}
DECL_COMMAND_FLAGS(command_identify, HF_IN_SHUTDOWN, "identify offset=%u count=%c");

void
command_get_clock(uint32_t *args UNUSED)
{
    sendf("clock clock=%u", timer_read_time());
}
DECL_COMMAND_FLAGS(command_get_clock, HF_IN_SHUTDOWN, "get_clock");

void
command_get_uptime(uint32_t *args UNUSED)
{
    uint32_t now = timer_read_time();
    sendf("uptime high=%u clock=%u", sched_uptime_high(now), now);
}
DECL_COMMAND_FLAGS(command_get_uptime, HF_IN_SHUTDOWN, "get_uptime");

void
command_emergency_stop(uint32_t *args UNUSED)
{
    shutdown("Command request");
}
DECL_COMMAND_FLAGS(command_emergency_stop, HF_IN_SHUTDOWN, "emergency_stop");

void
command_clear_shutdown(uint32_t *args UNUSED)
{
    sched_clear_shutdown();
}
DECL_COMMAND_FLAGS(command_clear_shutdown, HF_IN_SHUTDOWN, "clear_shutdown");

void
command_debug_nop(uint32_t *args UNUSED)
{
}
DECL_COMMAND_FLAGS(command_debug_nop, HF_IN_SHUTDOWN, "debug_nop");

void
command_debug_ping(uint32_t *args)
{
    uint_fast8_t len = args[0];
    sendf("pong data=%*s", len, ESC_PTR(command_buffer(args[1])));
}
DECL_COMMAND_FLAGS(command_debug_ping, HF_IN_SHUTDOWN, "debug_ping data=%*s");
