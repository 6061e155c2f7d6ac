# The two commands of the README: `make run` and `make test`. Everything else supports them.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PO := caseflow/locale/zh_Hans/LC_MESSAGES/django.po
MO := $(PO:.po=.mo)

# Fonts embedded in notices and reports (caseflow/pdf_fonts.py); CASEFLOW_PDF_FONT_DIR moves them.
FONT_DIR ?= $(or $(CASEFLOW_PDF_FONT_DIR),/usr/share/fonts/truetype/hanazono)

.PHONY: run test install messages fonts browser screenshots lint check bench fuzz

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

install: $(BIN)/.installed messages fonts

# HanaMinA + HanaMinB (Debian fonts-hanazono, SIL OFL 1.1): CJK up to Extension F.
fonts:
	@test -f $(FONT_DIR)/HanaMinA.ttf -a -f $(FONT_DIR)/HanaMinB.ttf || \
		(apt-get update -qq && apt-get install -y -qq fonts-hanazono)

# Translations are compiled at setup, never committed (gettext's msgfmt).
messages: $(MO)
$(MO): $(PO)
	@command -v msgfmt >/dev/null || (apt-get update -qq && apt-get install -y -qq gettext)
	msgfmt --check-format -o $@ $<

run: install
	bin/caseflow-run

# On every core (pytest-xdist; tests/settings.py gives each process its own Redis
# databases and broker file). TEST_WORKERS=0 runs in one process.
TEST_WORKERS ?= auto
test: install
	$(BIN)/pytest -n $(TEST_WORKERS) --maxprocesses 4 $(PYTEST_ARGS)

# Browser tests drive Debian's Chromium (never a downloaded browser); a CJK font renders
# the Chinese pages (fonts-wqy-zenhei, TrueType).
browser:
	@command -v chromium >/dev/null && fc-list | grep -qi "wqy\|noto sans cjk" || \
		(apt-get update -qq && apt-get install -y -qq chromium fonts-wqy-zenhei)

# Screenshots of the public site (home page, complaint form, receipt, status page) and of
# the staff pages (dashboard, a case page, the committee queue).
screenshots: install browser
	SCREENSHOT_DIR=$(CURDIR)/var/screenshots $(BIN)/pytest -m browser \
		tests/web/test_public_site_browser.py tests/web/test_staff_pages_browser.py
	@echo "Screenshots in var/screenshots/"

# schemathesis's command line against a live gunicorn on PostgreSQL, as the department head
# (FUZZ_DATABASE_URL, default caseflow_fuzz on the local server, dropped and created again).
fuzz: install
	bin/caseflow-fuzz $(FUZZ_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/lint-imports

# Benchmarks on PostgreSQL (BENCH_DATABASE_URL, default the local server as postgres):
# seeds SIZE cases and a tenth of them, serves with gunicorn, loads with locust, writes
# bench/RESULTS.md. SIZE=1000000 seeds for about 40 minutes.
SIZE ?= 100000
bench: install
	$(BIN)/pip install -q -e '.[bench]'
	$(BIN)/python bench/run.py --size $(SIZE) $(BENCH_ARGS)
