# libFuzzer harnesses (clang), included from the Makefile.  docs/fuzzing.md.
#   make fuzz-build                 build build-fuzz/fuzz_<name> for every fuzz/fuzz_<name>.c
#   make fuzz [FUZZ_TIME=60]        run each on its seeds, one after the other
#   make fuzz-dns FUZZ_TIME=600     run one
#   make fuzz-valgrind              replay the seeds, regressions and any
#                                   build-fuzz/corpus/ under Valgrind
# The modules the harnesses reach are compiled again with clang into
# build-fuzz/ (coverage, ASan, UBSan); build/ and build-san/ are left alone.  New inputs go to
# build-fuzz/corpus/<name>/, crashes to build-fuzz/artifacts/<name>/.
FUZZ_CC     ?= clang
FUZZ_BUILD  := build-fuzz
FUZZ_TIME   ?= 60
FUZZ_RSS_MB ?= 2048
FUZZ_NICE   ?=
FUZZ_FLAGS  ?=
FUZZ_CFLAGS := -O1 -g -std=c11 -D_GNU_SOURCE $(filter-out -Wno-format-truncation,$(WARN)) -Isrc \
	       $(shell pkg-config --cflags $(PKGS)) -fno-omit-frame-pointer \
	       -fsanitize=address,undefined -fno-sanitize-recover=undefined
FUZZ_NAMES  := $(patsubst fuzz/fuzz_%.c,%,$(sort $(wildcard fuzz/fuzz_*.c)))
FUZZ_SRC    := $(filter $(addprefix src/,$(addsuffix /%,fetch features dataset lockfile static util)) \
		 src/netsink/dns.c src/netsink/sniff.c src/netsink/greet.c src/netsink/h2.c \
		 src/report/canary.c src/report/payload.c,$(LIB_SRC))
FUZZ_LIB    := $(FUZZ_SRC:%.c=$(FUZZ_BUILD)/%.o)

# The longest input each harness gets, suited to what it parses.
FUZZ_MAXLEN_unpack    := 65536
FUZZ_MAXLEN_pkgjson   := 16384
FUZZ_MAXLEN_packument := 16384
FUZZ_MAXLEN_dns       := 1024
FUZZ_MAXLEN_sniff     := 8192
FUZZ_MAXLEN_features  := 32768
FUZZ_MAXLEN_table     := 65536
FUZZ_MAXLEN_lockfile  := 32768
FUZZ_MAXLEN_channels  := 8192
FUZZ_MAXLEN_js        := 16384

$(FUZZ_BUILD)/src/%.o: src/%.c
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -MMD -MP -c $< -o $@

$(FUZZ_BUILD)/libsnare.a: $(FUZZ_LIB)
	rm -f $@ && ar rcs $@ $^

$(FUZZ_BUILD)/fuzz_%: fuzz/fuzz_%.c fuzz/common.c fuzz/fuzz.h $(FUZZ_BUILD)/libsnare.a
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< fuzz/common.c \
		$(FUZZ_BUILD)/libsnare.a $(LDLIBS)

fuzz-build: $(FUZZ_NAMES:%=$(FUZZ_BUILD)/fuzz_%)

# The same harnesses without libFuzzer or sanitizers, for Valgrind.
FUZZ_PLAIN_LIB := $(FUZZ_SRC:%.c=$(FUZZ_BUILD)/plain/%.o)
FUZZ_PLAIN_CFLAGS := -O2 -g -std=c11 -D_GNU_SOURCE $(WARN) -Isrc $(shell pkg-config --cflags $(PKGS))

$(FUZZ_BUILD)/plain/src/%.o: src/%.c
	@mkdir -p $(@D)
	$(CC) $(FUZZ_PLAIN_CFLAGS) -MMD -MP -c $< -o $@

$(FUZZ_BUILD)/plain/libsnare.a: $(FUZZ_PLAIN_LIB)
	rm -f $@ && ar rcs $@ $^

$(FUZZ_BUILD)/plain/replay_%: fuzz/fuzz_%.c fuzz/standalone.c fuzz/common.c fuzz/fuzz.h \
			     $(FUZZ_BUILD)/plain/libsnare.a
	$(CC) $(FUZZ_PLAIN_CFLAGS) -o $@ $< fuzz/standalone.c fuzz/common.c \
		$(FUZZ_BUILD)/plain/libsnare.a $(LDLIBS)

fuzz-valgrind: $(FUZZ_NAMES:%=$(FUZZ_BUILD)/plain/replay_%)
	@for n in $(FUZZ_NAMES); do \
		echo "valgrind: $$n"; \
		valgrind -q --error-exitcode=99 $(FUZZ_BUILD)/plain/replay_$$n fuzz/corpus/$$n \
			$$(for d in fuzz/regressions/$$n $(FUZZ_BUILD)/corpus/$$n; do \
				[ -d $$d ] && echo $$d; done) || exit 1; \
	done

# One harness for FUZZ_TIME seconds; fails when it finds something.
fuzz-%: $(FUZZ_BUILD)/fuzz_%
	@mkdir -p $(FUZZ_BUILD)/corpus/$* $(FUZZ_BUILD)/artifacts/$*
	$(if $(filter unpack,$*),gzip -n -c fuzz/corpus/unpack/basic.tar >$(FUZZ_BUILD)/corpus/unpack/basic-gzip)
	$(FUZZ_NICE) $< -max_total_time=$(FUZZ_TIME) -max_len=$(or $(FUZZ_MAXLEN_$*),4096) \
		-rss_limit_mb=$(FUZZ_RSS_MB) -timeout=10 -print_final_stats=1 \
		$(if $(wildcard fuzz/$*.dict),-dict=fuzz/$*.dict) \
		-artifact_prefix=$(FUZZ_BUILD)/artifacts/$*/ $(FUZZ_FLAGS) \
		$(FUZZ_BUILD)/corpus/$* fuzz/corpus/$*

fuzz: fuzz-build
	@for n in $(FUZZ_NAMES); do $(MAKE) fuzz-$$n || exit 1; done

fuzz-clean:
	rm -rf $(FUZZ_BUILD)

.PRECIOUS: $(FUZZ_BUILD)/libsnare.a $(FUZZ_BUILD)/plain/libsnare.a
.PHONY: fuzz fuzz-build fuzz-clean fuzz-valgrind
-include $(shell find $(FUZZ_BUILD) -name '*.d' 2>/dev/null)
