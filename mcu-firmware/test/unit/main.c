// Runs every registered test in a child process and reports. Usage: unit-tests VECTORS_DIR
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "test.h"

#define MAX_TESTS 256

static struct { const char *name, *file; test_func_t func; } tests[MAX_TESTS];
static int test_count, failures;
const char *vectors_dir = "../protocol/src/test/resources/vectors";
int test_checks;

void
test_register(const char *name, const char *file, test_func_t func)
{
    if (test_count < MAX_TESTS)
        tests[test_count++] = (typeof(tests[0])){ name, file, func };
}

void
test_fail(const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "    %s:%d: ", file, line);
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n");
    va_end(ap);
    failures++;
}

int
main(int argc, char **argv)
{
    if (argc > 1)
        vectors_dir = argv[1];
    const char *only = argc > 2 ? argv[2] : NULL;
    int failed = 0, run = 0, i;
    long checks = 0;
    for (i = 0; i < test_count; i++) {
        if (only && !strstr(tests[i].name, only))
            continue;
        int pipefd[2];
        if (pipe(pipefd))
            return 2;
        fflush(stdout);
        pid_t pid = fork();
        if (pid == 0) {
            close(pipefd[0]);
            tests[i].func();
            int result[2] = { failures, test_checks };
            if (write(pipefd[1], result, sizeof(result)) != sizeof(result))
                _exit(3);
            _exit(failures ? 1 : 0);
        }
        close(pipefd[1]);
        int result[2] = { -1, 0 }, status;
        ssize_t got = read(pipefd[0], result, sizeof(result));
        close(pipefd[0]);
        waitpid(pid, &status, 0);
        run++;
        checks += got == sizeof(result) ? result[1] : 0;
        if (got != sizeof(result) || !WIFEXITED(status) || WEXITSTATUS(status)) {
            failed++;
            printf("FAIL %s (%s)%s\n", tests[i].name, tests[i].file,
                   WIFSIGNALED(status) ? " crashed" : "");
        } else {
            printf("ok   %s\n", tests[i].name);
        }
    }
    printf("%d tests, %ld checks, %d failed\n", run, checks, failed);
    return failed ? 1 : 0;
}
