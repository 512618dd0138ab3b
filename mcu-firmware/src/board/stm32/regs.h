// The few STM32F1/F4 registers the board uses, written out from the reference manuals
// (RM0008 for the F103, RM0090 for the F407). Addresses differ between the families.
#ifndef ESC_STM32_REGS_H
#define ESC_STM32_REGS_H

#include <stdint.h>
#include "autoconf.h"

#define REG(addr) (*(volatile uint32_t *)(addr))

// ---- Cortex-M core ----
#define SCB_VTOR REG(0xe000ed08)
#define SCB_AIRCR REG(0xe000ed0c)
#define SCB_DEMCR REG(0xe000edfc)
#define DWT_CTRL REG(0xe0001000)
#define DWT_CYCCNT REG(0xe0001004)
#define SYST_CSR REG(0xe000e010)
#define SYST_RVR REG(0xe000e014)
#define SYST_CVR REG(0xe000e018)
#define NVIC_ISER(n) REG(0xe000e100 + 4 * (n))
#define NVIC_IPR(n) (*(volatile uint8_t *)(0xe000e400 + (n)))

// Interrupt numbers (the same on both families).
enum { IRQ_TIM2 = 28, IRQ_USART1 = 37 };

struct gpio_regs_f4 {
    volatile uint32_t moder, otyper, ospeedr, pupdr, idr, odr, bsrr, lckr, afr[2];
};
struct gpio_regs_f1 {
    volatile uint32_t cr[2], idr, odr, bsrr, brr, lckr;
};
struct usart_regs {
    volatile uint32_t sr, dr, brr, cr1, cr2, cr3, gtpr;
};
struct tim_regs {
    volatile uint32_t cr1, cr2, smcr, dier, sr, egr, ccmr1, ccmr2, ccer, cnt, psc, arr, rcr;
    volatile uint32_t ccr1, ccr2, ccr3, ccr4;
};
struct adc_regs {
    volatile uint32_t sr, cr1, cr2, smpr1, smpr2, jofr[4], htr, ltr, sqr1, sqr2, sqr3;
    volatile uint32_t jsqr, jdr[4], dr;
};

#if CONFIG_MACH_STM32F407
#define PERIPH_GPIO(port) ((struct gpio_regs_f4 *)(0x40020000 + 0x400 * (port)))
#define USART1 ((struct usart_regs *)0x40011000)
#define TIM2 ((struct tim_regs *)0x40000000)
#define ADC1 ((struct adc_regs *)0x40012000)
#define ADC_CCR REG(0x40012304)
#define RCC_CR REG(0x40023800)
#define RCC_PLLCFGR REG(0x40023804)
#define RCC_CFGR REG(0x40023808)
#define RCC_AHB1ENR REG(0x40023830)
#define RCC_APB1ENR REG(0x40023840)
#define RCC_APB2ENR REG(0x40023844)
#define FLASH_ACR REG(0x40023c00)
#define GPIO_PORTS 9   // A..I
#else
#define PERIPH_GPIO(port) ((struct gpio_regs_f1 *)(0x40010800 + 0x400 * (port)))
#define USART1 ((struct usart_regs *)0x40013800)
#define TIM2 ((struct tim_regs *)0x40000000)
#define ADC1 ((struct adc_regs *)0x40012400)
#define RCC_CR REG(0x40021000)
#define RCC_CFGR REG(0x40021004)
#define RCC_APB2ENR REG(0x40021018)
#define RCC_APB1ENR REG(0x4002101c)
#define FLASH_ACR REG(0x40022000)
#define GPIO_PORTS 7   // A..G
#endif

#endif
