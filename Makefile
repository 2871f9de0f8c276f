# Single entry point for developers and CI.  `make test` runs everything on a fresh
# Debian machine as root: it creates .venv, installs what it needs and runs each suite.
# Suites owned by a part of the tree live in mk/*.mk and add themselves to TEST_SUITES.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := $(CURDIR)/.venv
BIN := $(VENV)/bin
CACHE := $(CURDIR)/.cache
# Ansible finds this collection (a symlink to the checkout) and the test-only collections here.
COLLECTIONS := $(CACHE)/collections
# ansible-test needs the collection at ansible_collections/<namespace>/<name>: a copy of the tracked tree.
# BUILD=/some/dir gives parallel runs (one per developer task) trees of their own.
BUILD ?= $(CURDIR)/build
TEST_TREE := $(BUILD)/ansible_collections/lowlatency/alicloud

export PATH := $(BIN):$(PATH)
export ANSIBLE_COLLECTIONS_PATH := $(COLLECTIONS)
# The SDK sends even loopback requests through a proxy when one is set; tests talk only to loopback.
unexport HTTP_PROXY HTTPS_PROXY http_proxy https_proxy

# Suites run by `make test`, in this order; mk/*.mk append theirs.
TEST_SUITES := sanity units lint changelog-lint

include $(sort $(wildcard mk/*.mk))

.PHONY: help venv collections test-tree test summary sanity-deps sanity units lint changelog-lint clean

help: ## list the targets
	@grep -hE '^[a-zA-Z0-9_-]+:.*## ' $(MAKEFILE_LIST) | sort | awk -F':.*## ' '{printf "  %-18s %s\n", $$1, $$2}'

$(BIN)/activate: requirements.txt requirements-dev.txt $(wildcard */requirements*.txt)
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) || { apt-get update -qq && \
	  apt-get install -y -qq python3-venv && $(PYTHON) -m venv $(VENV); }
	@$(BIN)/pip install -q --disable-pip-version-check -r requirements-dev.txt
	@touch $@

venv: $(BIN)/activate ## create .venv with every Python package the tests need

$(COLLECTIONS)/ansible_collections/lowlatency/alicloud:
	@mkdir -p $(@D)
	@ln -sfn $(CURDIR) $@

collections: $(COLLECTIONS)/ansible_collections/lowlatency/alicloud ## make this checkout importable as lowlatency.alicloud

test-tree: venv ## copy the tracked tree to build/ for ansible-test
	@rm -rf $(TEST_TREE) && mkdir -p $(TEST_TREE)
	@git ls-files -co --exclude-standard -z | grep -zv "^emulator/" | { xargs -0 -r ls -d 2>/dev/null || true; } | tar -cf - -T - | tar -C $(TEST_TREE) -xf -
	@cd $(TEST_TREE) && git init -q  # ansible-test lists files through git; the checkout's own git ignores build/
	@bash tests/utils/ansible-test-offline.sh $(BIN)/python

sanity-deps: ## install the programs ansible-test sanity skips when missing (shellcheck)
	@command -v shellcheck >/dev/null || { apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq shellcheck >/dev/null; }

sanity: test-tree sanity-deps ## ansible-test sanity
	cd $(TEST_TREE) && ansible-test sanity --venv --python 3.11 --color no

units: test-tree ## ansible-test units (pytest)
	cd $(TEST_TREE) && ansible-test units --venv --python 3.11 --color no --requirements

lint: venv collections ## ansible-lint (production profile); the SDKs are imported only in module_utils; the EE file builds
	@# Earlier ansible-lint runs (before offline: true) installed a copy of this collection there, which shadows the checkout.
	@rm -rf $(HOME)/.ansible/collections/ansible_collections/lowlatency/alicloud
	ansible-lint --profile production
	@context=$$(mktemp -d) && trap 'rm -rf "$$context"' EXIT && \
	  ansible-builder create -f execution-environment.yml -c "$$context" >/dev/null && \
	  cmp -s requirements.txt "$$context/_build/requirements.txt" || { echo "execution-environment.yml: the EE must install requirements.txt"; exit 1; }
	@outside=$$(grep -rl --include='*.py' 'alibabacloud_' plugins | grep -v '^plugins/module_utils/' || true); \
	  if [ -n "$$outside" ]; then echo "SDK used outside plugins/module_utils: $$outside"; exit 1; fi

changelog-lint: venv ## antsibull-changelog lint
	antsibull-changelog lint

test: ## run every suite: sanity, units, lint, and what mk/*.mk add
	@bash tests/utils/run-suites.sh $(TEST_SUITES)

clean: ## remove build output (keeps .venv and the test image)
	rm -rf build tests/output
