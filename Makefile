# Two entry points on a fresh machine with python3 and make:
#   make demo   - create .venv, install, crawl the bundled demo site into data/archive.db
#   make test   - create .venv, install with test extras, run every test
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)

.PHONY: demo test lint install browser redis bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test,serve]'
	rm -f $(VENV)/.installed-*
	touch $@

install: $(STAMP)

demo: install
	$(BIN)/archiver demo

# Headless Chromium and a Chinese font (Debian's packages) for the Datasette browser test, which
# checks that the article page draws Chinese as glyphs, not boxes.
browser:
	@{ command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1; } && \
	  fc-list :lang=zh-cn family 2>/dev/null | grep -q . || \
	  { (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null) \
	    || echo "warning: could not install chromium and fonts-noto-cjk; the browser tests will skip or fail"; }

# redis-server (Debian's package) for the scale-out tests: they start a real server on a free
# loopback port of their own (never a mock), so the system service is not needed.
redis:
	@command -v redis-server >/dev/null 2>&1 || test -x /usr/bin/redis-server || \
	  { (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null) \
	    || echo "warning: could not install redis-server; the Redis tests will be skipped"; }

test: install browser redis
	$(BIN)/python -m pytest

# mypy cannot follow setuptools' package-dir mapping (spiders/ -> archiver.spiders), so it reads
# the package through a tree of links shaped as installed.
TYPED := build/typecheck
lint: install
	$(BIN)/ruff check archiver spiders pipelines bench tests data/__init__.py
	rm -rf $(TYPED) && mkdir -p $(TYPED)/archiver
	for f in archiver/*; do ln -s "$$PWD/$$f" $(TYPED)/archiver/; done
	ln -s "$$PWD/spiders" $(TYPED)/archiver/spiders
	ln -s "$$PWD/pipelines" $(TYPED)/archiver/pipelines
	mkdir $(TYPED)/archiver/data && ln -s "$$PWD/data/__init__.py" $(TYPED)/archiver/data/
	cd $(TYPED) && $(CURDIR)/$(BIN)/mypy --config-file $(CURDIR)/pyproject.toml -p archiver

bench: install
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	$(BIN)/python bench/run_all.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
