# Real test hosts (systemd containers of a locally built Debian image, in podman) and Molecule scenarios on them.
# See tests/hosts/README.md. The image lives in podman's store; settings, keys and caches in $(CACHE)/hosts.

# Every podman call (the scripts', Molecule's and the tests') reads this project-owned file, written by setup.sh.
export CONTAINERS_CONF := $(CACHE)/hosts/containers.conf

.PHONY: hosts-setup hosts-check molecule-test
TEST_SUITES += hosts-check molecule-test

hosts-setup: venv collections ## install podman, runc, debootstrap; podman config; test collections; build the host image
	@PYTHON=$(BIN)/python tests/hosts/setup.sh $(COLLECTIONS)
	@tests/hosts/build-image.sh >/dev/null

hosts-check: hosts-setup ## start 5 test hosts at once, check them, print start time and memory per host, stop them
	@tests/hosts/check.sh 5

molecule-test: hosts-setup ## molecule test for every scenario (SCENARIO=dir for one), one after another
	@tests/molecule/test-all.sh $(SCENARIO)
