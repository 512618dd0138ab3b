# The fake board of the unit tests and the fuzzer (native, no main()).
CROSS_PREFIX :=
board-cflags := -O1
board-src := test/fakeboard/fakeboard.c
