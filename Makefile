# nstrace — the one entry point: make, make test, make demo, make bench,
# make vmlinux, make deps, make clean.  V=1 shows the full commands.

OUT := build
ARCH := $(shell uname -m | sed -e 's/x86_64/x86/' -e 's/aarch64/arm64/')
VMLINUX_DIR := vmlinux/$(ARCH)

CC ?= cc
CLANG ?= clang
BPFTOOL ?= bpftool
PKGS := libbpf libelf zlib jansson

ifeq ($(V),1)
Q :=
msg :=
else
Q := @
msg = @printf '  %-8s %s\n' "$(1)" "$(2)";
endif

.DELETE_ON_ERROR:
.SUFFIXES:

# A fresh machine has none of the build dependencies: install them first.
# The check is cheap (command -v / pkg-config) so every build may run it.
DEPS_OK := $(shell command -v $(CLANG) >/dev/null && command -v $(BPFTOOL) >/dev/null && \
	pkg-config --exists $(PKGS) check 2>/dev/null && echo yes)
ifneq ($(DEPS_OK),yes)
  ifeq ($(filter deps clean vmlinux,$(MAKECMDGOALS)),)
    $(info nstrace: build dependencies missing, running scripts/install-deps.sh)
    DEPS_RUN := $(shell bash scripts/install-deps.sh >&2 && echo done)
    ifneq ($(DEPS_RUN),done)
      $(error scripts/install-deps.sh failed; run it as root on Debian 12)
    endif
  endif
endif

PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS))
PKG_LIBS = $(shell pkg-config --libs $(PKGS))
CHECK_LIBS = $(shell pkg-config --libs check)

WARN := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wno-missing-field-initializers
CFLAGS ?= -O2 -g
USER_CFLAGS := -std=c11 -D_GNU_SOURCE $(WARN) -Iinclude -Iuser -I$(OUT) $(PKG_CFLAGS) -MMD -MP
SAN_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
BPF_CFLAGS := -g -O2 -target bpf -D__TARGET_ARCH_$(ARCH) -I$(VMLINUX_DIR) -Iinclude -Ibpf \
	-Wall -Werror -Wno-unused-function -MMD -MP

BPF_SRCS := $(wildcard bpf/*.bpf.c)
BPF_OBJS := $(patsubst bpf/%.bpf.c,$(OUT)/bpf/%.bpf.o,$(BPF_SRCS))
SKELS := $(patsubst bpf/%.bpf.c,$(OUT)/%.skel.h,$(BPF_SRCS))
USER_SRCS := $(wildcard user/*.c)
USER_OBJS := $(patsubst user/%.c,$(OUT)/user/%.o,$(USER_SRCS))
# The tests link every user object except main() (sanitized build).
SAN_OBJS := $(patsubst user/%.c,$(OUT)/san/user/%.o,$(filter-out user/main.c,$(USER_SRCS)))
TEST_SRCS := $(wildcard tests/*.c)
TEST_OBJS := $(patsubst tests/%.c,$(OUT)/san/tests/%.o,$(TEST_SRCS))
BENCH_SRCS := $(wildcard bench/*.c)
BENCH_BINS := $(patsubst bench/%.c,$(OUT)/bench/%,$(BENCH_SRCS))
BENCH_LIB_OBJS := $(filter-out $(OUT)/user/main.o,$(USER_OBJS))

.PHONY: all deps vmlinux test unit-test lab-selftest bench demo clean
# Build products, not intermediates for make to delete when it is done: the
# live benchmark loads build/bpf/empty.bpf.o, and a rebuild needs neither.
.SECONDARY: $(BPF_OBJS) $(SKELS)
all: $(OUT)/nstrace

deps:
	$(Q)bash scripts/install-deps.sh

vmlinux:
	$(call msg,BTF,$(VMLINUX_DIR)/vmlinux.h)
	$(Q)mkdir -p $(VMLINUX_DIR)
	$(Q)$(BPFTOOL) btf dump file /sys/kernel/btf/vmlinux format c > $(VMLINUX_DIR)/vmlinux.h

$(OUT)/bpf/%.bpf.o: bpf/%.bpf.c | $(OUT)/bpf
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -MF $(@:.o=.d) -c $< -o $@

$(OUT)/%.skel.h: $(OUT)/bpf/%.bpf.o
	$(call msg,SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name $(subst -,_,$*)_bpf > $@

$(OUT)/user/%.o: user/%.c | $(OUT)/user $(SKELS)
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) $(USER_CFLAGS) -c $< -o $@

$(OUT)/san/user/%.o: user/%.c | $(OUT)/san/user $(SKELS)
	$(call msg,CC-SAN,$@)
	$(Q)$(CC) $(CFLAGS) $(USER_CFLAGS) $(SAN_FLAGS) -c $< -o $@

$(OUT)/san/tests/%.o: tests/%.c | $(OUT)/san/tests $(SKELS)
	$(call msg,CC-TEST,$@)
	$(Q)$(CC) $(CFLAGS) $(USER_CFLAGS) $(SAN_FLAGS) -Itests -c $< -o $@

$(OUT)/nstrace: $(USER_OBJS)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $^ $(PKG_LIBS) -o $@

$(OUT)/nstrace-tests: $(TEST_OBJS) $(SAN_OBJS)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $(SAN_FLAGS) $^ $(PKG_LIBS) $(CHECK_LIBS) -o $@

$(OUT)/bench/%: bench/%.c $(BENCH_LIB_OBJS) | $(OUT)/bench $(SKELS)
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) $(USER_CFLAGS) -Ibench $< $(BENCH_LIB_OBJS) $(PKG_LIBS) -o $@

$(OUT)/bpf $(OUT)/user $(OUT)/san/user $(OUT)/san/tests $(OUT)/bench:
	$(Q)mkdir -p $@

# make test: every test, as root nothing skips.  The lab self-test first,
# then the Check runner, whose summary line closes the output.
test: $(OUT)/nstrace $(OUT)/nstrace-tests
	$(Q)bash scripts/run-tests.sh

unit-test: $(OUT)/nstrace $(OUT)/nstrace-tests
	$(Q)$(OUT)/nstrace-tests

bench: $(OUT)/nstrace $(BENCH_BINS) $(OUT)/bpf/empty.bpf.o
	$(Q)bash scripts/bench.sh

demo: $(OUT)/nstrace
	$(Q)bash scripts/demo.sh

clean:
	$(Q)rm -rf $(OUT)

-include $(wildcard $(OUT)/bpf/*.d $(OUT)/user/*.d $(OUT)/san/user/*.d $(OUT)/san/tests/*.d $(OUT)/bench/*.d)
