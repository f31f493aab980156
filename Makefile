# snare: build, test, check.  `make`, `make check`, `make check SAN=1`.
CC      ?= cc
SAN     ?= 0
MAKEFLAGS += --no-print-directory
BUILD   ?= $(if $(filter 1,$(SAN)),build-san,build)
PKGS    := libseccomp libarchive libcurl jansson openssl xgboost sqlite3 zlib
WARN    := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wformat=2 -Wno-format-truncation
CFLAGS  ?= -O2 -g
CFLAGS  += -std=c11 -D_GNU_SOURCE $(WARN) -Isrc $(shell pkg-config --cflags $(PKGS))
LDLIBS  += $(shell pkg-config --libs $(PKGS)) -lm
ifeq ($(SAN),1)
CFLAGS  += -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
LDFLAGS += -fsanitize=address,undefined
endif

LIB_SRC  := $(sort $(wildcard src/*/*.c))
LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/%.o)
TEST_SRC := $(sort $(wildcard tests/unit/test_*.c))
TESTS    := $(TEST_SRC:tests/unit/%.c=$(BUILD)/tests/%)
HELPERS  := $(patsubst tests/helpers/%.c,$(BUILD)/helpers/%,$(wildcard tests/helpers/*.c))

all: $(BUILD)/snare

$(BUILD)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/libsnare.a: $(LIB_OBJ)
	ar rcs $@ $^

$(BUILD)/snare: $(BUILD)/src/main.o $(BUILD)/libsnare.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libsnare.a
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -Itests $(LDFLAGS) -o $@ $^ $(LDLIBS) -lcmocka

# Tracee helpers: plain builds, never sanitized (LeakSanitizer cannot run under ptrace).
$(BUILD)/helpers/%: tests/helpers/%.c
	@mkdir -p $(@D)
	$(CC) -std=c11 -D_GNU_SOURCE -O1 $(WARN) -o $@ $<

check: $(BUILD)/snare $(TESTS) $(HELPERS)
	tests/run.sh $(BUILD)

# The whole suite, plain and under AddressSanitizer + UndefinedBehaviorSanitizer.
test:
	$(MAKE) check
	$(MAKE) check SAN=1

fmt:
	clang-format -i src/*.c src/*/*.[ch] tests/unit/*.c tests/helpers/*.c

tidy: compile_commands.json
	clang-tidy -quiet $(LIB_SRC) src/main.c

compile_commands.json:
	bear -- $(MAKE) -B $(BUILD)/snare

clean:
	rm -rf build build-san

include fuzz/fuzz.mk

.PHONY: all check test fmt tidy clean
.SECONDARY:
-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
