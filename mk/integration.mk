# Integration targets (tests/integration/targets/*) run by ansible-test against the emulator.
# ansible-test passes few environment variables to the targets, so the connection settings reach them as
# variables through tests/integration/integration_config.yml, written into the test tree for the run.

.PHONY: integration
TEST_SUITES += integration

integration: test-tree ## ansible-test integration against the emulator (TARGETS=... to pick some)
	@tests/utils/with-emulator.sh --profile $${EMULATOR_PROFILE:-fast} -- bash -c '\
	  tests/utils/integration-config.sh > $(TEST_TREE)/tests/integration/integration_config.yml && \
	  cd $(TEST_TREE) && ansible-test integration --local --python 3.11 --color no $(TARGETS)'
