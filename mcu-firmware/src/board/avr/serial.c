// atmega2560 USART0 (PE0/PE1): received bytes go to the core's ring, sent blocks wait in
// a transmit ring drained by the data-register-empty interrupt.
#include <avr/interrupt.h>
#include "board.h"
#include "command.h"

#define TX_SIZE 256
static uint8_t tx_ring[TX_SIZE];
static volatile uint8_t tx_head, tx_tail;   // uint8_t wraps at TX_SIZE by itself

void
avr_serial_setup(void)
{
    // U2X: 16 MHz / (8 * (7 + 1)) = 250000 baud exactly.
    uint16_t ubrr = DIV_ROUND_UP(CONFIG_CLOCK_FREQ, 8UL * CONFIG_SERIAL_BAUD) - 1;
    UCSR0A = _BV(U2X0);
    UBRR0 = ubrr;
    UCSR0C = _BV(UCSZ01) | _BV(UCSZ00);
    UCSR0B = _BV(RXEN0) | _BV(TXEN0) | _BV(RXCIE0);
}

ISR(USART0_RX_vect)
{
    uint8_t c = UDR0;
    console_rx_push(c);
}

ISR(USART0_UDRE_vect)
{
    uint8_t tail = tx_tail;
    if (tail == tx_head) {
        UCSR0B &= ~_BV(UDRIE0);
        return;
    }
    UDR0 = tx_ring[tail];
    tx_tail = tail + 1;
}

// Only this function (in the main loop) moves tx_head and only the interrupt moves
// tx_tail, so the copy needs no lock: a 64-byte block copied with interrupts off would
// hold a step back by some 300 cycles.
void
console_send(const uint8_t *block, uint_fast8_t len)
{
    uint8_t head = tx_head;
    if ((uint8_t)(TX_SIZE - 1 - (uint8_t)(head - tx_tail)) < len) {
        console_stats.tx_dropped++;
        return;
    }
    while (len--)
        tx_ring[head++] = *block++;
    irqstatus_t flag = irq_save();
    tx_head = head;
    UCSR0B |= _BV(UDRIE0);
    irq_restore(flag);
}
