# The simulated MCU: a native Linux executable.
CROSS_PREFIX :=
board-cflags := -O2
board-ldlibs := -lm -pthread
board-src := src/board/sim/main.c src/board/sim/gpio.c src/board/sim/model.c
