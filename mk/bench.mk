# make bench: what a task of the collection costs, next to ansible.builtin.ping, and what the deployment's no-op run
# costs as it grows (tests/bench/run.sh). Not part of make test: it takes about half an hour and its figures are
# only meaningful on a quiet machine. Prints a table and rewrites docs/benchmarks.md.

BENCH_OUT ?= $(CACHE)/bench

.PHONY: bench bench-deps bench-peer

bench-deps: ## install hyperfine (Debian) for make bench
	@command -v hyperfine >/dev/null || { apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq hyperfine >/dev/null; }

bench: venv collections bench-deps bench-peer ## benchmarks against the emulator; writes docs/benchmarks.md (BENCH_RUNS, BENCH_ROUNDS)
	@rm -rf $(BENCH_OUT) && mkdir -p $(BENCH_OUT)
	tests/utils/with-emulator.sh --profile fast -- env BENCH_OUT=$(BENCH_OUT) BENCH_PEER_VENV=$(BENCH_PEER_VENV) \
	  tests/bench/run.sh
	$(BIN)/python tests/bench/report.py $(BENCH_OUT) docs/benchmarks.md

# The peer: alibaba's Ansible modules (PyPI's ansible-alicloud, the alibaba.alicloud collection's predecessor; the
# collection itself is on neither Galaxy nor PyPI) over footmark, with the same ansible-core as ours, in a venv of
# their own so they never meet this collection's SDKs.
BENCH_PEER_VENV ?= $(CACHE)/bench-peer
BENCH_PEER_PACKAGES := $(shell grep '^ansible-core==' requirements-dev.txt) ansible-alicloud==1.20.0 footmark==1.26.0

$(BENCH_PEER_VENV)/bin/ansible-playbook:
	$(PYTHON) -m venv $(BENCH_PEER_VENV)
	$(BENCH_PEER_VENV)/bin/pip install -q --disable-pip-version-check $(BENCH_PEER_PACKAGES)

bench-peer: $(BENCH_PEER_VENV)/bin/ansible-playbook ## install the peer (alibaba's modules + footmark) for make bench
