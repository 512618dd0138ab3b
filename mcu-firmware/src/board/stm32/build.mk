# STM32F103 (Cortex-M3) and STM32F407 (Cortex-M4, soft float: no FPU state to save in
# interrupts, which keeps the shutdown-from-interrupt path simple).
CROSS_PREFIX := arm-none-eabi-
ifeq ($(CONFIG_MACH_STM32F407),y)
stm32-cpu := -mcpu=cortex-m4
else
stm32-cpu := -mcpu=cortex-m3
endif
board-cflags := $(stm32-cpu) -mthumb -mfloat-abi=soft -O2 -ffreestanding
board-ldflags := $(stm32-cpu) -mthumb -nostartfiles --specs=nano.specs -T $(OUT)link.ld \
    -Wl,--gc-sections
board-ldlibs := -lc -lgcc -lnosys
board-src := src/board/stm32/main.c src/board/stm32/timer.c src/board/stm32/serial.c \
    src/board/stm32/gpio.c
ifeq ($(CONFIG_HAVE_GPIO_ADC),y)
board-src += src/board/stm32/adc.c
endif
board-outputs := $(OUT)escapement.bin $(OUT)escapement.hex

$(OUT)link.ld: $(BOARD_DIR)/link.ld.S $(OUT)autoconf.h
	$(Q)$(CC) -E -P -x c -iquote $(OUT) -o $@ $<

$(OUT)escapement.elf: $(OUT)link.ld

$(OUT)escapement.bin: $(OUT)escapement.elf
	$(Q)$(OBJCOPY) -O binary $< $@
	$(Q)$(SIZE) $< | tail -n 1 | awk '{ printf "  flash %d bytes, static RAM %d bytes\n", $$1 + $$2, $$2 + $$3 }'

$(OUT)escapement.hex: $(OUT)escapement.elf
	$(Q)$(OBJCOPY) -O ihex $< $@
