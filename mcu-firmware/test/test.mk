# Unit tests and the fuzz target: the core and the fake board, plus the test code.
unit-test-src := $(wildcard test/unit/*.c) tools/json.c
unit-test-objs := $(patsubst %.c,$(OUT)obj/%.o,$(unit-test-src))
$(unit-test-objs) $(OUT)obj/test/fuzz/fuzz_command.o: CFLAGS += -iquote tools -iquote test/unit

$(OUT)unit-tests: $(objs) $(unit-test-objs)
	$(Q)$(CC) $(CFLAGS) -o $@ $^ -lz -lm

$(OUT)fuzz-command: $(objs) $(OUT)obj/test/fuzz/fuzz_command.o
	$(Q)$(CC) $(CFLAGS) -fsanitize=fuzzer,address,undefined -o $@ $^
