// A small test runner: TEST(name) { ... } registers a test; each runs in its own process
// (the firmware keeps its state in statics), CHECK records a failure and goes on.
#ifndef ESC_TEST_H
#define ESC_TEST_H

#include <stdio.h>

typedef void (*test_func_t)(void);
void test_register(const char *name, const char *file, test_func_t func);
void test_fail(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
extern const char *vectors_dir;
extern int test_checks;

#define TEST(name)                                                          \
    static void name(void);                                                 \
    __attribute__((constructor)) static void register_##name(void)         \
    { test_register(#name, __FILE__, name); }                               \
    static void name(void)

#define CHECK(cond) do {                                                    \
        test_checks++;                                                      \
        if (!(cond)) test_fail(__FILE__, __LINE__, "%s", #cond);           \
    } while (0)
#define CHECK_EQ(a, b) do {                                                 \
        long long a_ = (long long)(a), b_ = (long long)(b);                 \
        test_checks++;                                                      \
        if (a_ != b_) test_fail(__FILE__, __LINE__, "%s == %s: %lld != %lld", \
                                #a, #b, a_, b_);                            \
    } while (0)
#define CHECK_STR(a, b) do {                                                \
        const char *a_ = (a), *b_ = (b);                                    \
        test_checks++;                                                      \
        if (!a_ || !b_ || strcmp(a_, b_))                                   \
            test_fail(__FILE__, __LINE__, "%s == %s: '%s' != '%s'", #a, #b, \
                      a_ ? a_ : "(null)", b_ ? b_ : "(null)");               \
    } while (0)

#endif
