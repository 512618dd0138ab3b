// Small compiler helpers shared by the core, the boards and the host tools.
#ifndef ESC_COMPILER_H
#define ESC_COMPILER_H

#include <stddef.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define container_of(ptr, type, member) \
    ((type *)((char *)(ptr) - offsetof(type, member)))
#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
#define NORETURN __attribute__((noreturn))
#define ALWAYS_INLINE inline __attribute__((always_inline))
#define NOINLINE __attribute__((noinline))
#define UNUSED __attribute__((unused))
#define DIV_ROUND_UP(n, d) (((n) + (d) - 1) / (d))

// Read-only tables live in flash. On the AVR that is a separate address space that gcc
// reaches through the __flash qualifier; elsewhere flash is ordinary memory.
#ifdef __AVR__
#include <avr/pgmspace.h>
#define FLASH __flash
// A flash address carried as an integer (a sendf argument) loses its __flash qualifier
// on the way, and gcc 5 then reads RAM: read it explicitly.
#define flash_read_byte(addr) pgm_read_byte(addr)
#else
#define FLASH
#define flash_read_byte(addr) (*(const uint8_t *)(addr))
#endif

#endif
