// STM32 start-up (our own reset handler and vector table: newlib's start-up hangs under
// QEMU), clocks, interrupt control, memory, reset, and leaving an interrupt on shutdown.
#include <string.h>
#include "board.h"
#include "command.h"
#include "regs.h"
#include "sched.h"

DECL_CONSTANT("ADC_MAX", 4095);
DECL_CONSTANT("PWM_MAX", 255);
DECL_CONSTANT_STR("RESERVE_PINS_serial", "PA10,PA9");


/****************************************************************
 * Clocks
 ****************************************************************/

// Waits for a ready bit, but not forever: a board without a working crystal (or QEMU,
// which does not model the clock controller) must still come up.
static int
wait_bit(volatile uint32_t *reg, uint32_t bit)
{
    uint32_t n;
    for (n = 0; n < 100000; n++)
        if (*reg & bit)
            return 1;
    return 0;
}

static void
clock_setup(void)
{
    RCC_CR |= 1 << 16;   // HSEON
    int have_hse = wait_bit(&RCC_CR, 1 << 17);
#if CONFIG_MACH_STM32F407
    // 168 MHz: HSE / M to 1 MHz (HSI 16 MHz when the crystal does not start), x336, / 2.
    FLASH_ACR = 5 | (1 << 8) | (1 << 9) | (1 << 10);   // 5 wait states, caches
    uint32_t m = have_hse ? CONFIG_STM32_CLOCK_REF_FREQ / 1000000 : 16;
    RCC_PLLCFGR = (have_hse ? 1 << 22 : 0) | m | (336 << 6) | (0 << 16) | (7 << 24);
    RCC_CR |= 1 << 24;   // PLLON
    wait_bit(&RCC_CR, 1 << 25);
    // AHB 168 MHz, APB1 / 4 (42 MHz, TIM2 at 84 MHz), APB2 / 2 (84 MHz).
    RCC_CFGR = (5 << 10) | (4 << 13) | 2;
#else
    // 72 MHz: HSE 8 MHz x 9 (HSI / 2 x 16 = 64 MHz without a crystal).
    FLASH_ACR = 2 | (1 << 4);   // 2 wait states, prefetch
    RCC_CFGR = (have_hse ? (1 << 16) | (7 << 18) : (14 << 18)) | (4 << 8) | (2 << 14);
    RCC_CR |= 1 << 24;
    wait_bit(&RCC_CR, 1 << 25);
    RCC_CFGR |= 2;   // system clock from the PLL
#endif
}


/****************************************************************
 * Interrupts
 ****************************************************************/

irqstatus_t
irq_save(void)
{
    irqstatus_t flag;
    asm volatile("mrs %0, primask\n\tcpsid i" : "=r"(flag) :: "memory");
    return flag;
}

void
irq_restore(irqstatus_t flag)
{
    asm volatile("msr primask, %0" :: "r"(flag) : "memory");
}

void
irq_disable(void)
{
    asm volatile("cpsid i" ::: "memory");
}

void
irq_enable(void)
{
    asm volatile("cpsie i" ::: "memory");
}

void stm32_serial_kick(void);

void
irq_wait(void)
{
    // wfi wakes on a pending interrupt even while they are masked; then let it run.
    stm32_serial_kick();
    asm volatile("cpsie i\n\twfi\n\tcpsid i" ::: "memory");
}

void
irq_poll(void)
{
    stm32_serial_kick();
}

// The exception frame of the running timer interrupt (stm32_timer_irq saves it).
uint32_t *stm32_irq_frame;

static void
shutdown_in_thread_mode(void)
{
    longjmp(sched_shutdown_jmp, 1);
}

void
board_shutdown_jump(jmp_buf env)
{
    uint32_t ipsr;
    asm volatile("mrs %0, ipsr" : "=r"(ipsr));
    if (!ipsr)
        longjmp(env, 1);
    // In the timer interrupt: longjmp would leave the core in handler mode. Instead make
    // the exception return land in thread mode at shutdown_in_thread_mode, with the stack
    // back where it was when the interrupt came (the interrupted code is abandoned, as on
    // the AVR). All interrupts share one priority, so this is the only one active.
    uint32_t *frame = stm32_irq_frame;
    frame[6] = (uint32_t)shutdown_in_thread_mode & ~1u;   // return address
    frame[7] = 1u << 24;                                  // xPSR: Thumb state
    asm volatile("mov sp, %0\n\tbx %1" :: "r"(frame), "r"(0xfffffff9u) : "memory");
    __builtin_unreachable();
}


/****************************************************************
 * Memory, reset, start-up
 ****************************************************************/

extern char _bss_end, _stack_start;

void *
dynmem_start(void)
{
    return &_bss_end;
}

void *
dynmem_end(void)
{
    return &_stack_start;
}

void
board_reset(void)
{
    SCB_AIRCR = (0x5fa << 16) | (1 << 2);   // SYSRESETREQ
    for (;;)
        ;
}

void stm32_timer_setup(void);
void stm32_serial_setup(void);

int
main(void)
{
    clock_setup();
    stm32_timer_setup();
    stm32_serial_setup();
    sched_main();
}

extern uint32_t _data_load, _data_start, _data_end, _bss_start, _stack_end;

void
reset_handler(void)
{
    memcpy(&_data_start, &_data_load, (char *)&_data_end - (char *)&_data_start);
    memset(&_bss_start, 0, (char *)&_bss_end - (char *)&_bss_start);
    SCB_VTOR = CONFIG_STM32_FLASH_START;
    main();
    for (;;)
        ;
}

static void
unexpected_exception(void)
{
    // A fault or an interrupt nobody enabled: restart rather than hang.
    board_reset();
}

void SysTick_Handler(void);
void USART1_IRQHandler(void);

// The vector table: the initial stack, the core exceptions, and the interrupts in use.
__attribute__((section(".vectors"), used))
static void (*const vectors[16 + 60])(void) = {
    [0] = (void (*)(void))&_stack_end,
    [1] = reset_handler,
    [2 ... 14] = unexpected_exception,
    [15] = SysTick_Handler,
    [16 ... 16 + IRQ_USART1 - 1] = unexpected_exception,
    [16 + IRQ_USART1] = USART1_IRQHandler,
    [16 + IRQ_USART1 + 1 ... 16 + 59] = unexpected_exception,
};
