// STM32 USART1 on PA9 (TX) / PA10 (RX): receive interrupt into the core's ring, transmit
// ring drained by the TXE interrupt (and by stm32_serial_kick, for QEMU's USART model).
#include "board.h"
#include "command.h"
#include "regs.h"

#define TX_SIZE 256
static uint8_t tx_ring[TX_SIZE];
static volatile uint8_t tx_head, tx_tail;

enum { SR_RXNE = 1 << 5, SR_TXE = 1 << 7, CR1_RE = 1 << 2, CR1_TE = 1 << 3,
       CR1_RXNEIE = 1 << 5, CR1_TXEIE = 1 << 7, CR1_UE = 1 << 13 };

void
stm32_serial_setup(void)
{
#if CONFIG_MACH_STM32F407
    RCC_AHB1ENR |= 1 << 0;          // GPIOA
    RCC_APB2ENR |= 1 << 4;          // USART1 (APB2, 84 MHz)
    struct gpio_regs_f4 *a = PERIPH_GPIO(0);
    a->moder = (a->moder & ~(0xf << 18)) | (0xa << 18);   // PA9, PA10: alternate function
    a->afr[1] = (a->afr[1] & ~(0xff << 4)) | (0x77 << 4);  // AF7
    uint32_t pclk = CONFIG_CLOCK_FREQ;
#else
    RCC_APB2ENR |= (1 << 0) | (1 << 2) | (1 << 14);   // AFIO, GPIOA, USART1 (72 MHz)
    struct gpio_regs_f1 *a = PERIPH_GPIO(0);
    // PA9: alternate push-pull output; PA10: input with pull-up.
    a->cr[1] = (a->cr[1] & ~(0xff << 4)) | (0x8b << 4);
    a->odr |= 1 << 10;
    uint32_t pclk = CONFIG_CLOCK_FREQ;
#endif
    USART1->brr = DIV_ROUND_UP(pclk, CONFIG_SERIAL_BAUD);
    USART1->cr1 = CR1_UE | CR1_RE | CR1_TE | CR1_RXNEIE;
    NVIC_IPR(IRQ_USART1) = 0x80;
    NVIC_ISER(IRQ_USART1 / 32) = 1u << (IRQ_USART1 % 32);
}

static void
send_next(void)
{
    uint8_t tail = tx_tail;
    if (tail == tx_head) {
        USART1->cr1 &= ~CR1_TXEIE;
        return;
    }
    USART1->dr = tx_ring[tail];
    tx_tail = tail + 1;
}

void
USART1_IRQHandler(void)
{
    uint32_t sr = USART1->sr;
    if (sr & SR_RXNE)
        console_rx_push(USART1->dr);
    if ((sr & SR_TXE) && (USART1->cr1 & CR1_TXEIE))
        send_next();
}

// Sends what the data register takes right now. On hardware that is a byte, and the TXE
// interrupt sends the rest; QEMU's USART sends each byte at once and then does not
// interrupt reliably, so there this loop empties the whole ring.
void
stm32_serial_kick(void)
{
    irqstatus_t flag = irq_save();
    while (tx_head != tx_tail && (USART1->sr & SR_TXE))
        send_next();
    irq_restore(flag);
}

void
console_send(const uint8_t *block, uint_fast8_t len)
{
    irqstatus_t flag = irq_save();
    uint8_t head = tx_head;
    if ((uint8_t)(TX_SIZE - 1 - (uint8_t)(head - tx_tail)) < len) {
        console_stats.tx_dropped++;
        irq_restore(flag);
        return;
    }
    while (len--)
        tx_ring[head++] = *block++;
    tx_head = head;
    USART1->cr1 |= CR1_TXEIE;
    irq_restore(flag);
    stm32_serial_kick();
}
