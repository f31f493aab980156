# snare: build, test, check.  `make`, `make check`, `make check SAN=1`.
CC      ?= cc
SAN     ?= 0
MAKEFLAGS += --no-print-directory
BUILD   ?= $(if $(filter 1,$(SAN)),build-san,build)
PKGS    := libseccomp libarchive libcurl jansson openssl xgboost sqlite3 zlib libnghttp2 libpq
WARN    := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wformat=2 -Wno-format-truncation
CFLAGS  ?= -O2 -g
CFLAGS  += -std=c11 -D_GNU_SOURCE $(WARN) -Isrc -I$(BUILD)/gen $(shell pkg-config --cflags $(PKGS))
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

# The harness's JavaScript (src/run/harness/NAME.js), built in as
# harness_NAME_js[] and harness_NAME_js_len.
HARNESS_JS := $(sort $(wildcard src/run/harness/*.js))
$(BUILD)/gen/run/harness_js.h: $(HARNESS_JS) Makefile
	@mkdir -p $(@D)
	{ for f in $(HARNESS_JS); do n=$$(basename $$f .js | tr -c 'a-z0-9\n' _); \
		xxd -i -n harness_$${n}_js $$f | sed 's/^unsigned/static const unsigned/'; done; } > $@.tmp
	mv $@.tmp $@
$(BUILD)/src/run/harness.o: $(BUILD)/gen/run/harness_js.h

# The version: VERSION, plus the commit when git knows it and that commit
# is not tagged v<VERSION> (the same commit always gives the same string).
# `make SNARE_VERSION=X` sets it outright (a package build without git).
SNARE_VERSION ?= $(shell v=$$(cat VERSION); \
	c=$$(git rev-parse --short=12 HEAD 2>/dev/null) || { echo "$$v"; exit 0; }; \
	if [ "$$(git describe --tags --exact-match 2>/dev/null)" = "v$$v" ]; then echo "$$v"; \
	else echo "$$v+g$$c"; fi)
# Rewritten only when the string changes, so an unchanged tree rebuilds nothing.
$(BUILD)/gen/version_gen.h: FORCE
	@mkdir -p $(@D)
	@printf '#define SNARE_VERSION "%s"\n' '$(SNARE_VERSION)' > $@.tmp
	@if cmp -s $@.tmp $@; then rm -f $@.tmp; else mv $@.tmp $@; fi
$(BUILD)/src/util/version.o: $(BUILD)/gen/version_gen.h

$(BUILD)/libsnare.a: $(LIB_OBJ)
	rm -f $@
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

# The whole suite, plain and under AddressSanitizer + UndefinedBehaviorSanitizer,
# then the formatting and static-analysis gates.
test:
	$(MAKE) fmt-check
	$(MAKE) tidy
	$(MAKE) check
	$(MAKE) check SAN=1

FMT_SRC  := $(sort $(wildcard src/*.c src/*/*.[ch] tests/unit/*.[ch] tests/helpers/*.c))
TIDY_SRC := $(LIB_SRC) src/main.c
# compile_commands.json records gcc's flags; clang does not know some of them.
TIDY     := clang-tidy -quiet -p . --extra-arg=-Wno-unknown-warning-option
TIDY_JOBS ?= $(shell nproc)

fmt:
	clang-format -i $(FMT_SRC)

# Fails, naming the files, when clang-format would change any of them.
fmt-check:
	@bad=""; for f in $(FMT_SRC); do \
		clang-format "$$f" | cmp -s - "$$f" || bad="$$bad $$f"; \
	done; \
	if [ -n "$$bad" ]; then echo "clang-format would change:$$bad (run make fmt)"; exit 1; fi

# clang-tidy over the sources, TIDY_JOBS at a time; exits non-zero on any
# finding (.clang-tidy makes every warning an error).
tidy: compile_commands.json
	@out=$$(printf '%s\n' $(TIDY_SRC) | xargs -P$(TIDY_JOBS) -n2 $(TIDY) 2>&1); rc=$$?; \
	printf '%s\n' "$$out" | grep -v ' warnings\? generated\.$$'; \
	[ $$rc -eq 0 ] && echo "tidy: no findings"; exit $$rc

compile_commands.json: $(LIB_SRC) src/main.c Makefile
	bear -- $(MAKE) -B -j$(TIDY_JOBS) $(BUILD)/snare

clean:
	rm -rf build build-san

include fuzz/fuzz.mk

.PHONY: all check test fmt fmt-check tidy clean FORCE
FORCE:
.SECONDARY:
-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
