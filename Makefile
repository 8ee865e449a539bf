# The two commands: `make run` and `make test`. See README.md.
PYTHON ?= $(shell bash scripts/find-python.sh)
VENV := .venv
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test

.PHONY: run test test-calendar stop install install-test browser services bench load faults bench-portfolio

$(STAMP): requirements.txt
	test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -r requirements.txt
	touch $(STAMP)

# Test and load tools come on top of what running needs, only for the commands that use them.
$(TEST_STAMP): $(STAMP) requirements-test.txt
	$(VENV)/bin/pip install --quiet -r requirements-test.txt
	touch $(TEST_STAMP)

install: $(STAMP)

install-test: $(TEST_STAMP)

run: install
	bash scripts/run.sh

# Browser tests drive Debian's Chromium; install it when it is missing.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium; }

test: install-test browser
	$(VENV)/bin/python scripts/devservices.py start
	set -a; . ./.run/env; set +a; $(VENV)/bin/pytest $(PYTEST_ARGS)

# The tests about dates on hard days (month and year ends, 29 February, Mondays, daylight-saving
# Sundays), each in UTC and in Europe/Paris.
test-calendar: install-test
	$(VENV)/bin/python scripts/devservices.py start
	set -a; . ./.run/env; set +a; bash scripts/test-calendar.sh $(PYTEST_ARGS)

# Ledger benchmark: 2 million FOCUS rows over 2,000 projects (BENCH_ARGS="--rows 200000" for a quick run).
bench: install-test
	$(VENV)/bin/python scripts/devservices.py start
	set -a; . ./.run/env; set +a; $(VENV)/bin/python bench/ledger_bench.py $(BENCH_ARGS)

stop:
	$(VENV)/bin/python scripts/devservices.py stop

# 50 users for 60 s against gunicorn on 127.0.0.1 with the demo data (not part of `make test`).
load: install-test
	bash bench/load.sh

# Kill -9 Celery workers mid-import and mid-rollup, stop Redis (its own, on a free port): nothing lost,
# nothing counted twice (not part of `make test`).
faults: install-test
	$(VENV)/bin/python scripts/devservices.py start
	set -a; . ./.run/env; set +a; $(VENV)/bin/python bench/faults.py
# Portfolio page against the Django admin changelist: 2,000 projects, 2 M cost rows (not part of `make test`).
# Smaller: make bench-portfolio BENCH_ARGS="--projects 500 --rows 200000 --rebuild"
bench-portfolio: install-test
	$(VENV)/bin/python scripts/devservices.py start
	set -a; . ./.run/env; set +a; $(VENV)/bin/python bench/portfolio.py $(BENCH_ARGS)
