# cardtally: build, test and install.  See README.md; the commands are
# man/cardtally.1, the design doc/design.md.
#
#   make            build ./cardtally
#   make demo       install missing Debian packages, build, run the demo
#   make test       install missing Debian packages, build, run every test
#   make check      the test suite under AddressSanitizer + UBSan (leaks fail)
#   make stress     the long tests: 1,000 kill -9 trials, 100 reader cycles
#   make bench      measurements written to bench/RESULTS.md
#   make fuzz       libFuzzer targets (clang), FUZZ_TIME seconds each
#   make install    PREFIX=/usr/local DESTDIR= (program, data, catalogs,
#                   man pages, reader system files)
#   make deb        the Debian package, ../cardtally_VERSION_ARCH.deb
#
# User CFLAGS/LDFLAGS are respected; the project's own flags live in
# CT_CFLAGS.  WERROR=1 turns warnings into errors (CI does this).

MAKEFLAGS += --no-print-directory

VERSION := 0.1.0
PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
# udev and modprobe read /etc (and /usr/lib), never $(PREFIX): the reader
# permissions and the pn533 blacklist go there whatever the prefix.
UDEVDIR ?= /etc/udev/rules.d
MODPROBEDIR ?= /etc/modprobe.d
# The package's systemd units (make install-systemd, which make install
# leaves out: the Debian package installs them).
SYSTEMDUNITDIR ?= /etc/systemd/system
CC ?= cc
CFLAGS ?= -O2 -g
PKG_CONFIG ?= pkg-config
BUILD ?= build

LIBS_PC := sqlite3 libsodium ncursesw
CT_CFLAGS := -std=c11 -D_GNU_SOURCE -DCT_VERSION='"$(VERSION)"' \
	-Wall -Wextra -Wshadow -Wformat=2 -Wmissing-prototypes \
	-Wstrict-prototypes -Wvla -pthread
ifeq ($(WERROR),1)
CT_CFLAGS += -Werror
endif

# The paper reports (scanner/pdf/, issue 15): cairo draws the PDF, pango
# lays out the text (Japanese with the Noto CJK fonts); libm for the
# charts' scales.  Only the part that draws (PDF_MOD_SRC, below) links
# them.
PDF_PC := pangocairo cairo-pdf
LIBS_PC += $(PDF_PC)
PDF_LIBS := -lm

# libusb (USB reader listing and hotplug, drivers/usbwatch.c) only where
# pkg-config finds it; without it `readers` says so and scans go on.
HAVE_LIBUSB = $(shell $(PKG_CONFIG) --exists libusb-1.0 2>/dev/null && echo 1)
ifeq ($(HAVE_LIBUSB),1)
LIBS_PC += libusb-1.0
CT_CFLAGS += -DHAVE_LIBUSB
endif

# libunistring (NFKC of the stock list's location paths, data/import.c)
# has no pkg-config file on Debian: linked by name, its header checked by
# need-deps.
UNISTRING_LIBS := -lunistring

# pkg-config is asked lazily so that `make deps` works before it exists.
# The program links every library but those of its optional parts
# (MOD_PC: PDF and hub, see "Optional parts" below).
PC_CFLAGS = $(shell $(PKG_CONFIG) --cflags $(LIBS_PC))
PC_LIBS = $(shell $(PKG_CONFIG) --libs $(filter-out $(MOD_PC),$(LIBS_PC))) \
	$(UNISTRING_LIBS) $(PDF_LIBS) -pthread

LIB_SRC := $(wildcard common/*.c data/*.c drivers/*.c reconcile/*.c)
# The city-wide hub (hub/, issue 16): the only code that talks to
# PostgreSQL, through libpq.
HUB_PC := libpq
LIBS_PC += $(HUB_PC)
MOD_PC := $(PDF_PC) $(HUB_PC)

# Optional parts (common/module.h): the code that draws PDFs and the code
# that talks to the hub are shared objects of their own, loaded by the
# commands that need them, so that every other command starts without
# cairo, pango, libpq and the dozens of libraries they load.  The
# program's side of each is a file of stubs (pdf_load.c, hub_load.c).
# The hub's part calls back into the program for data/'s encodings
# (MODULE_HOST_SYMS), which the program exports to it.
PDF_MOD_SRC := scanner/pdf/pdf.c
HUB_MOD_SRC := hub/hub.c hub/hub_report.c hub/hub_names.c
MODULE_HOST_SYMS := audit_hash audit_hex outbox_sig_check
MODULE_LDFLAGS := $(MODULE_HOST_SYMS:%=-Wl,--export-dynamic-symbol=%)
MODULES := $(BUILD)/cardtally-pdf.so $(BUILD)/cardtally-hub.so
LIBDIR ?= $(PREFIX)/lib/cardtally

LIB_SRC += $(filter-out hub/hub.c hub/hub_report.c,$(wildcard hub/*.c))
APP_SRC := $(filter-out scanner/cli/main.c $(PDF_MOD_SRC),\
	$(wildcard scanner/*/*.c))
TEST_SRC := $(wildcard tests/test_*.c)
TOOL_SRC := $(wildcard tests/tools/*.c bench/*.c)

# The pcsc backend is built only where PC/SC Lite is installed; without it
# the backend is simply not offered (doc/design.md "Readers").
HAVE_PCSC := $(shell $(PKG_CONFIG) --exists libpcsclite 2>/dev/null && echo 1)
ifeq ($(HAVE_PCSC),1)
LIBS_PC += libpcsclite
CT_CFLAGS += -DHAVE_PCSC
else
LIB_SRC := $(filter-out drivers/rdr_pcsc.c,$(LIB_SRC))
TOOL_SRC := $(filter-out bench/pcsc_loop.c,$(TOOL_SRC))
endif

# libnfc is optional: the nfc reader backend is built only where pkg-config
# finds it (doc/design.md: a backend missing at build time is not offered).
HAVE_NFC := $(shell $(PKG_CONFIG) --exists libnfc 2>/dev/null && echo 1)
ifeq ($(HAVE_NFC),1)
LIBS_PC += libnfc
CT_CFLAGS += -DHAVE_NFC
else
LIB_SRC := $(filter-out drivers/rdr_nfc.c,$(LIB_SRC))
endif

LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/%.o)
APP_OBJ := $(APP_SRC:%.c=$(BUILD)/%.o)
TEST_BIN := $(TEST_SRC:tests/%.c=$(BUILD)/tests/%)
TOOL_BIN := $(TOOL_SRC:%.c=$(BUILD)/%)

CT_CFLAGS += -DCT_DATADIR='"$(PREFIX)/share/cardtally"'
CT_CFLAGS += -DCT_LIBDIR='"$(LIBDIR)"'
CT_CFLAGS += -DCT_LOCALEDIR='"$(PREFIX)/share/locale"'

# The hub's own PostgreSQL functions (hub/pg/, loaded by the hub's server,
# never by cardtally): built where the server's headers are
# (postgresql-server-dev-15), installed into PGLIBDIR, whose path `hub
# migrate` gives the hub by default (--pg-lib another).
PGLIBDIR ?= $(LIBDIR)
PG_SERVER_INC := $(shell pg_config --includedir-server 2>/dev/null)
HAVE_PGSERVER := $(shell test -f '$(PG_SERVER_INC)/postgres.h' && echo 1)
PG_LIB := $(if $(HAVE_PGSERVER),$(BUILD)/cardtally_pg.so)
CT_CFLAGS += -DCT_PGLIB='"$(PGLIBDIR)/cardtally_pg.so"'

# The TUI's message catalogs (po/LANG.po, gettext): built next to the
# binary in $(BUILD)/locale, where an uninstalled cardtally finds them.
PO_FILES := $(wildcard po/*.po)
MO_FILES := $(PO_FILES:po/%.po=$(BUILD)/locale/%/LC_MESSAGES/cardtally.mo)

.PHONY: build-tests build-bench all deps test check stress bench demo install clean format \
	fuzz pot pot-out install-dist install-man install-systemd deb need-deps FORCE
all: cardtally $(MO_FILES) $(PG_LIB)

deps:
	@scripts/deps.sh

# The prefix is compiled in (CT_DATADIR, CT_LOCALEDIR), and so is the set
# of reader backends (HAVE_PCSC, HAVE_NFC): a stamp holding them, rewritten
# only when they change, rebuilds the objects for another prefix (`make
# install PREFIX=/usr` after a plain `make`) or once a backend's library
# is installed (objects built before it lacked the backend).
PREFIX_STAMP := $(BUILD)/prefix.stamp
BUILD_SETTINGS := $(PREFIX) pcsc=$(HAVE_PCSC) nfc=$(HAVE_NFC)
$(PREFIX_STAMP): FORCE
	@mkdir -p $(dir $@)
	@echo '$(BUILD_SETTINGS)' | cmp -s - $@ || \
		echo '$(BUILD_SETTINGS)' >$@
FORCE:

# Before anything is compiled: the compiler, pkg-config, the libraries and
# msgfmt are there, or the way to get them (not "pkg-config: No such file").
need-deps:
	@missing=; \
	command -v $(firstword $(CC)) >/dev/null 2>&1 || \
		missing="$$missing $(firstword $(CC))"; \
	command -v msgfmt >/dev/null 2>&1 || missing="$$missing msgfmt"; \
	printf '#include <uninorm.h>\n' | \
		$(CC) $(CPPFLAGS) -E -x c - >/dev/null 2>&1 || \
		missing="$$missing libunistring"; \
	if ! command -v $(PKG_CONFIG) >/dev/null 2>&1; then \
		missing="$$missing $(PKG_CONFIG)"; \
	else \
		for p in $(LIBS_PC); do \
			$(PKG_CONFIG) --exists $$p || missing="$$missing $$p"; \
		done; \
	fi; \
	if [ -n "$$missing" ]; then \
		echo "cardtally: missing build dependencies:$$missing" >&2; \
		echo "cardtally: run 'make deps' to install them (as root;" \
			"otherwise it names the Debian packages)" >&2; \
		exit 1; \
	fi

$(BUILD)/%.o: %.c $(PREFIX_STAMP) | need-deps
	@mkdir -p $(dir $@)
	$(CC) $(CT_CFLAGS) $(PC_CFLAGS) $(CPPFLAGS) $(CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/libcardtally.a: $(LIB_OBJ)
	@rm -f $@
	$(AR) rcs $@ $^

$(BUILD)/cardtally: $(BUILD)/scanner/cli/main.o $(APP_OBJ) $(BUILD)/libcardtally.a \
		| $(MODULES)
	$(CC) $(CFLAGS) $(LDFLAGS) $(MODULE_LDFLAGS) -o $@ $^ $(PC_LIBS)

# The parts' objects: position-independent, everything hidden but the
# part's table (CT_MODULE_EXPORT).
$(BUILD)/pic/%.o: %.c $(PREFIX_STAMP) | need-deps
	@mkdir -p $(dir $@)
	$(CC) $(CT_CFLAGS) $(PC_CFLAGS) $(CPPFLAGS) $(CFLAGS) -fPIC \
		-fvisibility=hidden -MMD -MP -c $< -o $@
$(BUILD)/cardtally-pdf.so: $(PDF_MOD_SRC:%.c=$(BUILD)/pic/%.o)
	$(CC) -shared $(CFLAGS) $(LDFLAGS) -o $@ $^ \
		$(shell $(PKG_CONFIG) --libs $(PDF_PC)) $(PDF_LIBS)
$(BUILD)/cardtally-hub.so: $(HUB_MOD_SRC:%.c=$(BUILD)/pic/%.o)
	$(CC) -shared $(CFLAGS) $(LDFLAGS) -o $@ $^ \
		$(shell $(PKG_CONFIG) --libs $(HUB_PC) libsodium)

# ./cardtally finds its parts beside itself.
cardtally: $(BUILD)/cardtally $(MO_FILES) $(MODULES)
	cp $< $@
	cp $(MODULES) .

# The test suite's binary: the same objects with the test clock
# (common/clock.c built with -DCT_TEST_CLOCK, linked before the library so
# that its ct_now is the one used), which honours $CARDTALLY_NOW.  Only the
# tests run it; `make`, `make install` and `make demo` never build it.
$(BUILD)/test-clock/clock.o: common/clock.c $(PREFIX_STAMP) | need-deps
	@mkdir -p $(dir $@)
	$(CC) $(CT_CFLAGS) -DCT_TEST_CLOCK $(CPPFLAGS) $(CFLAGS) -MMD -MP \
		-c $< -o $@

$(BUILD)/cardtally-test: $(BUILD)/scanner/cli/main.o $(APP_OBJ) \
		$(BUILD)/test-clock/clock.o $(BUILD)/libcardtally.a | $(MODULES)
	$(CC) $(CFLAGS) $(LDFLAGS) $(MODULE_LDFLAGS) -o $@ $^ $(PC_LIBS)

# The server's headers are not ours: the project's warnings, less those
# they set off; never the sanitizers (the server is not built with them).
# libc linked even where --as-needed would drop it (the functions call
# only libsodium and the server), as a shared library is expected to be.
$(BUILD)/cardtally_pg.so: hub/pg/cardtally_pg.c | need-deps
	@mkdir -p $(dir $@)
	$(CC) $(filter-out -std=c11 -Wshadow -Wformat=2,$(CT_CFLAGS)) \
		-std=gnu11 -fPIC -shared -I$(PG_SERVER_INC) $(CPPFLAGS) \
		$(filter-out -fsanitize%,$(CFLAGS) $(LDFLAGS)) -o $@ $< \
		$(shell $(PKG_CONFIG) --cflags --libs libsodium) \
		-Wl,--no-as-needed -lc

$(BUILD)/locale/%/LC_MESSAGES/cardtally.mo: po/%.po | need-deps
	@mkdir -p $(dir $@)
	msgfmt --check -o $@ $<

# Refreshes po/cardtally.pot from the TUI's, the command line's and the
# workflows' sources (with the workflows' error table and the rules' and
# roles' words that refusals quote; cli_error and cli_usage translate
# their format, and so does drivers/' rdr_errf: a reader's messages) and
# merges it into every po/*.po (run by hand when strings change).
POT_SRC := $(wildcard scanner/tui/*.c scanner/workflow/*.c \
	scanner/pdf/*.c scanner/cli/*.c) \
	scanner/workflow/wf_errors.def scanner/workflow/wf_scan.h \
	reconcile/recon.c reconcile/rules.c \
	reconcile/plan.c \
	common/model.c drivers/reader.c drivers/profile.c \
	drivers/profile_jpki.c drivers/profile_seizo.c drivers/rdr_sim.c \
	drivers/rdr_kbd.c drivers/rdr_pcsc.c drivers/rdr_nfc.c \
	drivers/usbwatch.c drivers/der.c data/ledger.h data/import.c \
	common/module.c
pot:
	@$(MAKE) -s pot-out POT_OUT=po/cardtally.pot
	for p in $(PO_FILES); do msgmerge -q -U --backup=none $$p \
		po/cardtally.pot; done

# The messages of the sources as they are now, into POT_OUT: `pot` above,
# and tests/cli/catalog.t, which holds the catalogs to them.
POT_OUT ?= po/cardtally.pot
pot-out:
	xgettext --from-code=UTF-8 --language=C -k_ -kN_ -kcli_error:2 \
		-kcli_usage:2 -krdr_errf:3 -kct_tr -c \
		-o $(POT_OUT) --package-name=cardtally \
		--package-version=$(VERSION) $(POT_SRC)

# The workflows' test links their objects alone: the layer stands on
# reconcile/ and data/, not on a front end.
WF_OBJ := $(patsubst %.c,$(BUILD)/%.o,$(wildcard scanner/workflow/wf*.c))
WF_TESTS := $(patsubst tests/%.c,$(BUILD)/tests/%,\
	$(wildcard tests/test_wf.c tests/test_wf_*.c))
$(WF_TESTS): $(BUILD)/tests/%: tests/%.c $(WF_OBJ) $(BUILD)/libcardtally.a
	@mkdir -p $(dir $@)
	$(CC) $(CT_CFLAGS) $(PC_CFLAGS) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) \
		-o $@ $< $(WF_OBJ) $(BUILD)/libcardtally.a $(PC_LIBS) \
		$(shell $(PKG_CONFIG) --libs cmocka)

# Each workflow's own test (tests/test_wf_NAME.c) likewise.
$(BUILD)/tests/test_wf_%: tests/test_wf_%.c $(WF_OBJ) $(BUILD)/libcardtally.a
	@mkdir -p $(dir $@)
	$(CC) $(CT_CFLAGS) $(PC_CFLAGS) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) \
		-o $@ $< $(WF_OBJ) $(BUILD)/libcardtally.a $(PC_LIBS) \
		$(shell $(PKG_CONFIG) --libs cmocka)

# The out-of-memory test runs the workflows with allocations failing:
# cardtally calls malloc, calloc, realloc and strdup directly, so the
# linker sends the calls of the objects linked here to the test's failing
# wrappers (ld --wrap); SQLite's go through sqlite3_config.
OOM_WRAP := -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,--wrap=strdup
$(BUILD)/tests/test_oom: tests/test_oom.c $(WF_OBJ) $(BUILD)/libcardtally.a
	@mkdir -p $(dir $@)
	$(CC) $(CT_CFLAGS) $(PC_CFLAGS) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) \
		$(OOM_WRAP) -o $@ $< $(WF_OBJ) $(BUILD)/libcardtally.a \
		$(PC_LIBS) $(shell $(PKG_CONFIG) --libs cmocka)

# The TUI's model lives in scanner/: its tests link the program's objects.
# The paper's test draws documents itself: the drawing linked in, not
# the part.
$(BUILD)/tests/test_ui: $(BUILD)/tests/%: \
		tests/%.c $(APP_OBJ) $(BUILD)/libcardtally.a
	@mkdir -p $(dir $@)
	$(CC) $(CT_CFLAGS) $(PC_CFLAGS) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) \
		-o $@ $< $(APP_OBJ) $(BUILD)/libcardtally.a $(PC_LIBS) \
		$(shell $(PKG_CONFIG) --libs cmocka)
PAPER_OBJ := $(filter-out $(BUILD)/scanner/pdf/pdf_load.o,$(APP_OBJ)) \
	$(PDF_MOD_SRC:%.c=$(BUILD)/%.o)
$(BUILD)/tests/test_ui_paper: $(BUILD)/tests/%: \
		tests/%.c $(PAPER_OBJ) $(BUILD)/libcardtally.a
	@mkdir -p $(dir $@)
	$(CC) $(CT_CFLAGS) $(PC_CFLAGS) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) \
		-o $@ $< $(PAPER_OBJ) $(BUILD)/libcardtally.a $(PC_LIBS) \
		$(shell $(PKG_CONFIG) --libs $(PDF_PC) cmocka)

# The fuzz corpus replay includes the targets' sources (a change to one
# rebuilds it), the configuration's and the command line's among them,
# which stand on the program's objects.
$(BUILD)/tests/test_fuzz_corpus: tests/test_fuzz_corpus.c \
		$(wildcard tests/fuzz/*.c) $(APP_OBJ) $(BUILD)/libcardtally.a
	@mkdir -p $(dir $@)
	$(CC) $(CT_CFLAGS) $(PC_CFLAGS) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) \
		-o $@ $< $(APP_OBJ) $(BUILD)/libcardtally.a $(PC_LIBS) \
		$(shell $(PKG_CONFIG) --libs cmocka)

# The JSON writer lives in scanner/cli/ and stands alone: its test links
# only that object.
$(BUILD)/tests/test_json: tests/test_json.c $(BUILD)/scanner/cli/json.o
	@mkdir -p $(dir $@)
	$(CC) $(CT_CFLAGS) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $^ \
		$(shell $(PKG_CONFIG) --libs cmocka)

$(BUILD)/tests/test_%: tests/test_%.c $(BUILD)/libcardtally.a
	@mkdir -p $(dir $@)
	$(CC) $(CT_CFLAGS) $(PC_CFLAGS) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) \
		-o $@ $< $(BUILD)/libcardtally.a $(PC_LIBS) \
		$(shell $(PKG_CONFIG) --libs cmocka)

$(BUILD)/tests/tools/%: tests/tools/%.c $(BUILD)/libcardtally.a
	@mkdir -p $(dir $@)
	$(CC) $(CT_CFLAGS) $(PC_CFLAGS) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) \
		-o $@ $< $(BUILD)/libcardtally.a $(PC_LIBS)

# The USB hotplug tool needs libumockdev; without it the tool is not built
# and tests/cli/usb.t skips its hotplug part.
UMOCKDEV_PC := umockdev-1.0 gobject-2.0 glib-2.0
HAVE_UMOCKDEV = $(shell $(PKG_CONFIG) --exists $(UMOCKDEV_PC) 2>/dev/null && \
	echo 1)
ifneq ($(HAVE_LIBUSB)$(HAVE_UMOCKDEV),11)
TOOL_BIN := $(filter-out $(BUILD)/tests/tools/usb_hotplug,$(TOOL_BIN))
endif
$(BUILD)/tests/tools/usb_hotplug: tests/tools/usb_hotplug.c \
		$(BUILD)/libcardtally.a
	@mkdir -p $(dir $@)
	$(CC) $(CT_CFLAGS) $(PC_CFLAGS) \
		$(shell $(PKG_CONFIG) --cflags $(UMOCKDEV_PC)) $(CPPFLAGS) \
		$(CFLAGS) $(LDFLAGS) -o $@ $< $(BUILD)/libcardtally.a \
		$(PC_LIBS) $(shell $(PKG_CONFIG) --libs $(UMOCKDEV_PC))

$(BUILD)/bench/%: bench/%.c $(BUILD)/libcardtally.a
	@mkdir -p $(dir $@)
	$(CC) $(CT_CFLAGS) $(PC_CFLAGS) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) \
		-o $@ $< $(BUILD)/libcardtally.a $(PC_LIBS)

# The reader unplug/replug cycles of tests/cli/cycles.t, per backend:
# each pcsc cycle restarts pcscd and takes about a second, so `make test`
# and `make check` run 20 (every reconnect path, many times over) and
# `make stress` the full 100.
TEST_CYCLES ?= 20
STRESS_CYCLES ?= 100

test: deps
	@$(MAKE) build-tests
	@CARDTALLY=$(CURDIR)/$(BUILD)/cardtally-test BUILD=$(CURDIR)/$(BUILD) \
		CARDTALLY_CYCLES=$(TEST_CYCLES) tests/run

build-tests: $(BUILD)/cardtally $(BUILD)/cardtally-test $(MODULES) \
	$(MO_FILES) $(TEST_BIN) $(TOOL_BIN) $(PG_LIB)

# The whole suite again, built with sanitizers into a separate tree.
# The sanitizers look for memory errors, which 20 reader unplug/replug
# cycles exercise as well as 100 (`make stress` runs the full 100), and
# which 10 kill -9 trials of tests/cli/kill9.t (each a scan killed, then
# rerun to the end) reach as the 50 of make test do: the code run is the
# same, and under the sanitizers each trial takes five times as long.
CHECK_CYCLES ?= $(TEST_CYCLES)
CHECK_KILL_TRIALS ?= 10
check: deps
	@$(MAKE) BUILD=build-asan \
		CFLAGS="-O1 -g -fsanitize=address,undefined \
		-fno-omit-frame-pointer -fno-sanitize-recover=all" \
		LDFLAGS="-fsanitize=address,undefined" build-tests
	@ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
		LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0 \
		UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		CARDTALLY=$(CURDIR)/build-asan/cardtally-test \
		BUILD=$(CURDIR)/build-asan \
		CARDTALLY_CYCLES=$(CHECK_CYCLES) KILL_TRIALS=$(CHECK_KILL_TRIALS) \
		CARDTALLY_SANITIZED=1 tests/run

# libFuzzer targets (tests/fuzz/fuzz_*.c), built with clang into their own
# tree, each run for FUZZ_TIME seconds.  New inputs go to a scratch copy of
# the seed corpus in build-fuzz/; crashes are written to build-fuzz/ and
# belong in tests/fuzz/corpus/ once fixed (make test replays that corpus).
FUZZ_CC ?= clang
FUZZ_TIME ?= 30
FUZZ_TARGETS := $(patsubst tests/fuzz/fuzz_%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=all
# The configuration and command-line targets stand on the program's objects
# (scanner/), in an archive of their own so that a target takes only the
# ones it uses.
FUZZ_APP_OBJ := $(APP_SRC:%.c=build-fuzz/%.o)

fuzz:
	@scripts/deps.sh fuzz
	@$(MAKE) deps
	@$(MAKE) BUILD=build-fuzz CC=$(FUZZ_CC) \
		CFLAGS="-O1 -g -fsanitize=fuzzer-no-link $(FUZZ_SAN)" \
		build-fuzz/libcardtally.a $(FUZZ_APP_OBJ)
	@rm -f build-fuzz/libapp.a
	@$(AR) rcs build-fuzz/libapp.a $(FUZZ_APP_OBJ)
	@set -e; for t in $(FUZZ_TARGETS); do \
		echo "fuzz: building $$t"; \
		$(FUZZ_CC) $(CT_CFLAGS) $(PC_CFLAGS) -O1 -g \
			-fsanitize=fuzzer $(FUZZ_SAN) -o build-fuzz/fuzz_$$t \
			tests/fuzz/fuzz_$$t.c build-fuzz/libapp.a \
			build-fuzz/libcardtally.a \
			$(PC_LIBS); \
		rm -rf build-fuzz/corpus-$$t; \
		mkdir -p build-fuzz/corpus-$$t build-fuzz/crashes-$$t; \
		echo "fuzz: running $$t for $(FUZZ_TIME) s"; \
		build-fuzz/fuzz_$$t -max_total_time=$(FUZZ_TIME) \
			-print_final_stats=1 \
			-artifact_prefix=build-fuzz/crashes-$$t/ \
			build-fuzz/corpus-$$t tests/fuzz/corpus/$$t \
			2>build-fuzz/fuzz_$$t.log || \
			{ tail -40 build-fuzz/fuzz_$$t.log; exit 1; }; \
		grep -E '^stat::number_of_executed_units|^Done' \
			build-fuzz/fuzz_$$t.log; \
	done

stress: deps
	@$(MAKE) build-tests
	@CARDTALLY=$(CURDIR)/$(BUILD)/cardtally-test BUILD=$(CURDIR)/$(BUILD) \
		KILL_TRIALS=1000 CARDTALLY_CYCLES=$(STRESS_CYCLES) \
		tests/run tests/cli/kill9.t tests/cli/cycles.t

# Built by a second make, as for test and demo: the backends offered are
# decided when the Makefile is read (HAVE_PCSC, HAVE_NFC), so a build in
# the make that installed their libraries would leave them out.
bench: deps
	@$(MAKE) build-bench
	@CARDTALLY=$(CURDIR)/$(BUILD)/cardtally BUILD=$(CURDIR)/$(BUILD) bench/run

build-bench: $(BUILD)/cardtally $(MODULES) \
	$(filter $(BUILD)/bench/%,$(TOOL_BIN)) $(PG_LIB)

demo: deps
	@$(MAKE) cardtally
	@./cardtally demo

install: cardtally $(MO_FILES) $(PG_LIB) install-dist install-man
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBDIR)
	install -m 755 cardtally $(DESTDIR)$(BINDIR)/cardtally
	install -m 644 $(MODULES) $(DESTDIR)$(LIBDIR)/
	if [ -n '$(PG_LIB)' ]; then install -d $(DESTDIR)$(PGLIBDIR) && \
		install -m 644 $(PG_LIB) $(DESTDIR)$(PGLIBDIR)/; fi
	install -d $(DESTDIR)$(PREFIX)/share/cardtally
	install -m 644 data/demo/*.csv $(DESTDIR)$(PREFIX)/share/cardtally/
	for mo in $(MO_FILES); do \
		d=$(DESTDIR)$(PREFIX)/share/$${mo#$(BUILD)/}; \
		install -d $$(dirname $$d) && install -m 644 $$mo $$d; \
	done

# The manual pages, written by hand in man/ (tests/cli/man.t checks them
# against the command table and installs them into a scratch DESTDIR).
install-man:
	install -d $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5
	install -m 644 man/cardtally.1 $(DESTDIR)$(MANDIR)/man1/
	install -m 644 man/cardtally.conf.5 $(DESTDIR)$(MANDIR)/man5/

# The system files for readers (doc/readers.md "Supported readers"): the
# udev rule for reader permissions and the kernel NFC driver blacklist.
# Nothing to build, so tests/cli/dist.t installs them into a scratch
# DESTDIR.
install-dist:
	install -d $(DESTDIR)$(UDEVDIR) $(DESTDIR)$(MODPROBEDIR)
	install -m 644 dist/udev/60-cardtally-readers.rules $(DESTDIR)$(UDEVDIR)/
	install -m 644 dist/modprobe.d/cardtally-blacklist-pn533.conf \
		$(DESTDIR)$(MODPROBEDIR)/

# The systemd units of the appliance (dist/systemd/): the kiosk on a
# console and the daily backup.  They name /usr/bin/cardtally; another
# BINDIR is written into the installed copies.
SYSTEMD_UNITS := $(wildcard dist/systemd/*.service dist/systemd/*.timer)
install-systemd:
	install -d $(DESTDIR)$(SYSTEMDUNITDIR)
	for u in $(SYSTEMD_UNITS); do \
		sed 's|/usr/bin/cardtally|$(BINDIR)/cardtally|g' $$u \
			>$(DESTDIR)$(SYSTEMDUNITDIR)/$$(basename $$u) && \
		chmod 644 $(DESTDIR)$(SYSTEMDUNITDIR)/$$(basename $$u) || \
			exit 1; \
	done

# The Debian package (debian/), built unsigned; dpkg-buildpackage writes
# into the parent directory, from where the package and its build records
# move to $(BUILD)/deb/.  Installs the build dependencies first as root
# (scripts/deps.sh deb), or names them.
DEB_ARCH = $(shell dpkg-architecture -qDEB_HOST_ARCH)
deb:
	@scripts/deps.sh deb
	dpkg-buildpackage -us -uc -b
	@mkdir -p $(BUILD)/deb
	@for f in cardtally_$(VERSION)_$(DEB_ARCH).deb \
		cardtally-dbgsym_$(VERSION)_$(DEB_ARCH).deb \
		cardtally_$(VERSION)_$(DEB_ARCH).buildinfo \
		cardtally_$(VERSION)_$(DEB_ARCH).changes; do \
		[ ! -e ../$$f ] || mv ../$$f $(BUILD)/deb/; \
	done
	@echo "deb: $(BUILD)/deb/cardtally_$(VERSION)_$(DEB_ARCH).deb"

format:
	clang-format -i $(LIB_SRC) $(APP_SRC) scanner/cli/main.c \
		$(wildcard */*.h */*/*.h) $(TEST_SRC) $(TOOL_SRC) \
		$(wildcard tests/fuzz/*.c)

clean:
	rm -rf $(BUILD) build-asan build-fuzz cardtally cardtally-pdf.so \
		cardtally-hub.so bench/work tests/work

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
