// STM32 clock and timer dispatch. The clock is a free-running 32-bit counter: on the F103
// the core's cycle counter (DWT_CYCCNT, 72 MHz); on the F407 TIM2 at 84 MHz (the core runs
// at 168 MHz), because QEMU, where the F407 build runs, has no cycle counter. SysTick
// wakes the dispatcher on both (QEMU's TIM2 has no compare interrupt).
#include "board.h"
#include "command.h"
#include "regs.h"
#include "sched.h"

// A timer this late shuts down; a timer closer than this is run without leaving.
#define TIMER_LATE_TICKS timer_from_us(1000)
#define TIMER_NEAR_TICKS 200

#if CONFIG_MACH_STM32F407
// The core (and SysTick) run at twice the clock.
#define SYSTICK_PER_TICK 2

uint32_t
timer_read_time(void)
{
    return TIM2->cnt;
}

static void
tim2_start(uint32_t prescaler)
{
    TIM2->cr1 = 0;
    TIM2->psc = prescaler;
    TIM2->arr = 0xffffffff;
    TIM2->egr = 1;           // load the prescaler
    TIM2->cr1 = 1;           // CEN
}

// TIM2 should count at half the core clock. QEMU's TIM2 counts at 1 GHz whatever the
// clock tree says, so measure it against SysTick (which counts core cycles) and divide
// it down to the rate the firmware declares; on a real chip this finds prescaler 0.
static void
clock_setup(void)
{
    RCC_APB1ENR |= 1 << 0;   // TIM2, free running
    tim2_start(0);
    SYST_RVR = 0xffffff;
    SYST_CVR = 0;
    SYST_CSR = (1 << 2) | 1;  // core clock, no interrupt
    while (SYST_CVR == 0)      // until it has loaded the reload value
        ;
    uint32_t tim_start = TIM2->cnt;
    while (SYST_CVR > 0xffffff - (1 << 22))   // 25 ms at 168 MHz
        ;
    uint32_t tim_ticks = TIM2->cnt - tim_start;
    uint32_t core_ticks = 0xffffff - SYST_CVR;
    SYST_CSR = 0;
    uint32_t ratio = (tim_ticks * SYSTICK_PER_TICK + core_ticks / 2) / core_ticks;
    if (ratio > 1)
        tim2_start(ratio - 1);
}

#else
#define SYSTICK_PER_TICK 1

uint32_t
timer_read_time(void)
{
    return DWT_CYCCNT;
}

static void
clock_setup(void)
{
    SCB_DEMCR |= 1u << 24;   // TRCENA
    DWT_CYCCNT = 0;
    DWT_CTRL |= 1;           // CYCCNTENA
}

#endif

// SysTick wakes the dispatcher: it counts down from a reload value at the core clock.
static void
timer_arm(uint32_t waketime)
{
    int32_t ticks = waketime - timer_read_time();
    if (ticks < 32)
        ticks = 32;
    if (ticks > 0xffffff / SYSTICK_PER_TICK)
        ticks = 0xffffff / SYSTICK_PER_TICK;
    SYST_RVR = ticks * SYSTICK_PER_TICK;
    SYST_CVR = 0;
}

void
stm32_timer_setup(void)
{
    clock_setup();
    SYST_RVR = 0xffffff;
    SYST_CVR = 0;
    SYST_CSR = (1 << 2) | (1 << 1) | 1;   // core clock, interrupt, enable
}

void
timer_kick(void)
{
    irqstatus_t flag = irq_save();
    timer_arm(timer_read_time() + 100);
    irq_restore(flag);
}

// Runs the due timers; called from the interrupt with the exception frame (see
// board_shutdown_jump).
void
stm32_timer_irq(uint32_t *frame)
{
    extern uint32_t *stm32_irq_frame;
    stm32_irq_frame = frame;
    uint32_t next = sched_next_waketime();
    for (;;) {
        int32_t wait = next - timer_read_time();
        if (wait > TIMER_NEAR_TICKS)
            break;
        if (wait < -(int32_t)TIMER_LATE_TICKS)
            try_shutdown("Rescheduled timer in the past");
        while (timer_is_before(timer_read_time(), next))
            ;
        next = sched_timer_dispatch();
    }
    timer_arm(next);
}

// Naked: r0 gets the stack pointer as the interrupt found it, which is where the core
// stacked the exception frame.
#define TIMER_HANDLER(name)                                                   \
    void __attribute__((naked)) name(void)                                    \
    {                                                                         \
        asm volatile("mov r0, sp\n\t"                                         \
                     "push {r0, lr}\n\t"                                      \
                     "bl stm32_timer_irq\n\t"                                 \
                     "pop {r0, pc}\n\t");                                     \
    }

TIMER_HANDLER(SysTick_Handler)
