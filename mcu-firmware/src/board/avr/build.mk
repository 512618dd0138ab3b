# atmega2560 with avr-gcc 5.4: -O2 (flash is plentiful, step timing is not), and the tables in the low 64 KiB of flash (__flash).
CROSS_PREFIX := avr-
board-cflags := -mmcu=$(CONFIG_MCU) -O2 -DF_CPU=$(CONFIG_CLOCK_FREQ) -fshort-enums \
    -fno-tree-switch-conversion
board-ldflags := -mmcu=$(CONFIG_MCU) -Wl,--gc-sections
board-src := src/board/avr/main.c src/board/avr/timer.c src/board/avr/serial.c \
    src/board/avr/gpio.c
ifeq ($(CONFIG_HAVE_GPIO_ADC),y)
board-src += src/board/avr/adc.c
endif
ifeq ($(CONFIG_HAVE_GPIO_HARD_PWM),y)
board-src += src/board/avr/pwm.c
endif
board-outputs := $(OUT)escapement.hex

$(OUT)escapement.hex: $(OUT)escapement.elf
	$(Q)$(OBJCOPY) -O ihex -R .eeprom -R .fuse -R .lock -R .signature $< $@
	$(Q)$(SIZE) $< | tail -n 1 | awk '{ printf "  flash %d bytes, static RAM %d bytes\n", $$1 + $$2, $$2 + $$3 }'
