/* STM32 memory layout, preprocessed with the build's autoconf.h. */
#include "autoconf.h"

MEMORY
{
    flash (rx) : ORIGIN = CONFIG_STM32_FLASH_START,
                 LENGTH = CONFIG_STM32_FLASH_SIZE - (CONFIG_STM32_FLASH_START - 0x8000000)
    ram (rwx) : ORIGIN = 0x20000000, LENGTH = CONFIG_STM32_RAM_SIZE
}

ENTRY(reset_handler)

SECTIONS
{
    .text : {
        KEEP(*(.vectors))
        *(.text .text.*)
        *(.rodata .rodata.*)
        . = ALIGN(4);
    } > flash

    .ARM.exidx : { *(.ARM.exidx*) } > flash

    _data_load = LOADADDR(.data);
    .data : {
        . = ALIGN(4);
        _data_start = .;
        *(.data .data.*)
        . = ALIGN(4);
        _data_end = .;
    } > ram AT > flash

    .bss (NOLOAD) : AT(ADDR(.bss)) {
        . = ALIGN(4);
        _bss_start = .;
        *(.bss .bss.* COMMON)
        . = ALIGN(4);
        _bss_end = .;
    } > ram

    _stack_end = ORIGIN(ram) + LENGTH(ram);
    _stack_start = _stack_end - 2048;
    end = _bss_end;

    /DISCARD/ : { *(.ARM.attributes) }
}
