# Host tools: built with the machine's gcc into out/tools/ (make tools).
TOOLS_OUT := out/tools/
TOOLS_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -iquote src/core -iquote tools
SIMAVR_FLAGS := $(shell pkg-config --cflags --libs simavr 2>/dev/null) -lelf

all: $(TOOLS_OUT)mcu-console $(TOOLS_OUT)bench-steprate $(TOOLS_OUT)simavr-bridge

client-src := tools/mcuclient.c tools/json.c src/core/wire.c
client-deps := $(client-src) tools/mcuclient.h tools/json.h src/core/wire.h

$(TOOLS_OUT)mcu-console: tools/mcu-console.c $(client-deps)
	@mkdir -p $(TOOLS_OUT)
	$(CC) $(TOOLS_CFLAGS) -o $@ tools/mcu-console.c $(client-src) -lz

$(TOOLS_OUT)bench-steprate: tools/bench-steprate.c $(client-deps)
	@mkdir -p $(TOOLS_OUT)
	$(CC) $(TOOLS_CFLAGS) -o $@ tools/bench-steprate.c $(client-src) -lz

$(TOOLS_OUT)simavr-bridge: tools/simavr-bridge.c
	@mkdir -p $(TOOLS_OUT)
	$(CC) $(TOOLS_CFLAGS) -o $@ $< $(SIMAVR_FLAGS)

.PHONY: all
