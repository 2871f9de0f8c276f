# Real test hosts (systemd containers of a locally built Debian image, in podman) and Molecule scenarios on them.
# See tests/hosts/README.md. The image lives in podman's store; settings, keys and caches in $(CACHE)/hosts.

# Every podman call (the scripts', Molecule's and other suites' tests) reads this project-owned file, written by
# setup.sh. Exported only once it exists: podman refuses to run when CONTAINERS_CONF names a missing file. The scripts
# fall back to the same path themselves (tests/hosts/lib.sh), so the first `make hosts-setup ...` needs no export.
export CONTAINERS_CONF = $(wildcard $(CACHE)/hosts/containers.conf)

.PHONY: hosts-setup hosts-check molecule-test
TEST_SUITES += hosts-check molecule-test

hosts-setup: venv collections ## install podman, runc, debootstrap; podman config; test collections; build the host image
	@CACHE=$(CACHE) PYTHON=$(BIN)/python tests/hosts/setup.sh $(COLLECTIONS)
	@CACHE=$(CACHE) tests/hosts/build-image.sh >/dev/null

hosts-check: hosts-setup ## start 5 test hosts at once, check them, print start time and memory per host, stop them
	@CACHE=$(CACHE) tests/hosts/check.sh 5

molecule-test: hosts-setup ## molecule test for every scenario (SCENARIO=dir for one), one after another
	@CACHE=$(CACHE) tests/molecule/test-all.sh $(SCENARIO)
