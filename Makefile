# Refuge: `make demo` and `make test` each set up a fresh Debian 12/13 machine
# first (idempotent), then do their job.
SHELL := /bin/bash
VERSION := $(shell sed -n 's/^version=//p' metadata.txt)
PYTHON := .venv/bin/python
QGIS_PROCESS := scripts/qgis_process
BUILD := build
PYTHONPATH_DIR := $(BUILD)/pythonpath
TS := i18n/refuge_fr.ts
QM := $(TS:.ts=.qm)
SOURCES := $(shell git ls-files '*.py' 2>/dev/null | grep -v -E '^(tests|bench|scripts)/')

.PHONY: setup test test-fast demo i18n translations install-plugin install-user package bench lint clean

setup:
	scripts/setup.sh

# The package is imported as `refuge` through a symlink: the repository root
# must never be on sys.path (our processing/ would hide QGIS's processing).
$(PYTHONPATH_DIR)/refuge:
	mkdir -p $(PYTHONPATH_DIR)
	ln -sfn $(CURDIR) $@

translations: $(QM)

$(QM): $(TS)
	lrelease -silent $< -qm $@

i18n:
	pylupdate5 -noobsolete $(SOURCES) -ts $(TS)
	lrelease $(TS) -qm $(QM)

install-plugin: translations
	scripts/install_plugin.sh

install-user: translations
	scripts/install_plugin.sh --user

test: setup translations install-plugin $(PYTHONPATH_DIR)/refuge
	PYTHONPATH=$(PYTHONPATH_DIR) QT_QPA_PLATFORM=offscreen .venv/bin/pytest

test-fast: translations $(PYTHONPATH_DIR)/refuge
	PYTHONPATH=$(PYTHONPATH_DIR) QT_QPA_PLATFORM=offscreen .venv/bin/pytest tests/unit tests/qgis -m "not slow"

# The suite on the other supported QGIS lines, in Debian 13 chroots kept in
# /var/cache/refuge-platforms (scripts/platforms.sh): `make test-platforms PLATFORMS=trixie-3.44`.
PLATFORMS ?= trixie-3.40 trixie-3.44
.PHONY: test-platforms
test-platforms:
	scripts/platforms.sh $(PLATFORMS)

demo: setup translations install-plugin
	scripts/demo.sh

package: translations
	$(PYTHON) scripts/package.py

bench: setup install-plugin $(PYTHONPATH_DIR)/refuge
	PYTHONPATH=$(PYTHONPATH_DIR) bench/run.sh

lint:
	.venv/bin/ruff check .

clean:
	rm -rf $(BUILD) dist i18n/*.qm
