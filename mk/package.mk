# A stranger's path (tests/package/run.sh): the collection built with ansible-galaxy, its tarball checked and installed
# into an empty collections path, and its playbooks run by name against the emulator with a copy of the example
# inventory, as the README's "Install and deploy" section tells a user to.

.PHONY: package-test
TEST_SUITES += package-test

package-test: venv ## build the collection, install the tarball into an empty path, deploy and tear down with it
	@tests/utils/with-emulator.sh -- tests/package/run.sh
