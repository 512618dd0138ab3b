// Declarations the build collects into the dispatch table and the data dictionary.
//
// Write a command, a constant or a task once, next to the code it belongs to:
//   DECL_COMMAND(command_get_clock, "get_clock");           // handler: void f(uint32_t *args)
//   DECL_COMMAND_FLAGS(command_identify, HF_IN_SHUTDOWN, "identify offset=%u count=%c");
//   DECL_CONSTANT("ADC_MAX", 1023);  DECL_CONSTANT_STR("MCU", "atmega2560");
//   DECL_ENUMERATION("pin", "ADC_TEMPERATURE", 254);  DECL_ENUMERATION_RANGE("pin", "PA0", 0, 8);
//   DECL_INIT(f); DECL_TASK(f); DECL_SHUTDOWN(f);           // void f(void), not static
//   sendf("clock clock=%u", clock);                         // a response, declared by its use
//   shutdown("Timer too close");                            // a static_string_id reason
// scripts/collect_decls.py finds them in each source preprocessed with -DESC_SCAN (where
// these macros become markers) and generates gen/esc_generated.h and gen/esc_tables.c.
#ifndef ESC_DECL_H
#define ESC_DECL_H

#define HF_IN_SHUTDOWN 0x01   // the command also runs while the MCU is shut down

#ifdef ESC_SCAN

#define ESC_DECL(...) __esc_decl__(__VA_ARGS__)
#define DECL_COMMAND_FLAGS(func, flags, fmt) ESC_DECL(command, func, flags, fmt)
#define DECL_CONSTANT(name, value) ESC_DECL(constant, name, value)
#define DECL_CONSTANT_STR(name, value) ESC_DECL(constant_str, name, value)
#define DECL_ENUMERATION(enumeration, name, value) \
    ESC_DECL(enumeration, enumeration, name, value)
#define DECL_ENUMERATION_RANGE(enumeration, name, start, count) \
    ESC_DECL(enumeration_range, enumeration, name, start, count)
#define DECL_STATIC_STRING(text) ESC_DECL(static_string, text)
#define DECL_INIT(func) ESC_DECL(init, func)
#define DECL_TASK(func) ESC_DECL(task, func)
#define DECL_SHUTDOWN(func) ESC_DECL(shutdown, func)
#define ESC_RESPONSE(fmt) ESC_DECL(response, fmt)
#define ESC_STATIC_STRING_ID(text) ESC_DECL(static_string, text)

#else

// In a normal build a declaration is a prototype (so the generated table can call the
// function and the compiler checks its signature) or a compile-time check of its value.
#define DECL_COMMAND_FLAGS(func, flags, fmt) void func(uint32_t *args)
#define DECL_CONSTANT(name, value) _Static_assert((value) || 1, name)
#define DECL_CONSTANT_STR(name, value) _Static_assert(sizeof(value) > 0, name)
#define DECL_ENUMERATION(enumeration, name, value) \
    _Static_assert((value) || 1, name)
#define DECL_ENUMERATION_RANGE(enumeration, name, start, count) \
    _Static_assert((start) >= 0 && (count) > 0, name)
#define DECL_STATIC_STRING(text) _Static_assert(sizeof(text) > 0, text)
#define DECL_INIT(func) void func(void)
#define DECL_TASK(func) void func(void)
#define DECL_SHUTDOWN(func) void func(void)
#define ESC_RESPONSE(fmt) ESC_ENCODER_FOR(fmt)
#define ESC_STATIC_STRING_ID(text) ESC_STATIC_STRING_FOR(text)

#endif

#define DECL_COMMAND(func, fmt) DECL_COMMAND_FLAGS(func, 0, fmt)

#endif
