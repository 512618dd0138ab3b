// The scheduler: a sorted list of timers run from the board's timer interrupt, tasks run
// from the main loop, and the shutdown state.
#ifndef ESC_SCHED_H
#define ESC_SCHED_H

#include <setjmp.h>
#include <stdint.h>
#include "command.h"

struct timer {
    struct timer *next;
    // Runs at waketime; returns SF_RESCHEDULE after moving waketime on, or SF_DONE.
    uint_fast8_t (*func)(struct timer *t);
    uint32_t waketime;
};

enum { SF_DONE = 0, SF_RESCHEDULE = 1 };

void sched_add_timer(struct timer *t);
void sched_del_timer(struct timer *t);
// From a timer callback: put t (taken out of the list) back in, no earlier than `after`,
// a timer still in the list whose waketime is not after t's.
void sched_requeue_timer(struct timer *after, struct timer *t);
// Runs the earliest timer and returns the waketime of the timer that is now earliest.
// Boards call it, with interrupts disabled, once the earliest timer is due.
uint32_t sched_timer_dispatch(void);
uint32_t sched_next_waketime(void);
// Drops every timer but the scheduler's own (shutdown, config_reset).
void sched_timer_reset(void);

struct task_wake {
    volatile uint8_t wake;
};
void sched_wake_task(struct task_wake *w);
uint_fast8_t sched_check_wake(struct task_wake *w);
void sched_wake_tasks(void);
uint_fast8_t sched_tasks_pending(void);

// The high 32 bits of a 64-bit uptime, for a clock value read just now.
uint32_t sched_uptime_high(uint32_t now);

// Shutdown: stop everything, put outputs in their safe state, tell the host why.
#define shutdown(reason) sched_shutdown(ESC_STATIC_STRING_ID(reason))
#define try_shutdown(reason) \
    do { if (!sched_is_shutdown()) shutdown(reason); } while (0)
void sched_shutdown(uint_fast16_t reason) NORETURN;
uint_fast8_t sched_is_shutdown(void);
uint_fast16_t sched_shutdown_reason(void);
void sched_clear_shutdown(void);
void sched_report_shutdown(void);

// The main loop. A shutdown returns here through sched_shutdown_jmp; tests and the fuzzer
// set the jump point themselves and call sched_handle_shutdown() when they land on it.
extern jmp_buf sched_shutdown_jmp;
void sched_handle_shutdown(void);
void sched_init(void);
void sched_run_tasks_once(void);
void sched_main(void) NORETURN;
#if CONFIG_MACH_TEST
void sched_test_reset(void);
#endif

#endif
