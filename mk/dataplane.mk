# The emulator's data plane (emulator/dataplane/, see emulator/README.md): `serve --data-plane podman` backs ECS
# instances with podman test hosts and ALB listeners with local reverse proxies. Its suite needs the test-host
# image (hosts-setup) and the AMS stand-in (standins-build); `emulator-test` leaves these tests out.

.PHONY: dataplane-test
TEST_SUITES += dataplane-test

dataplane-test: hosts-setup standins-build ## the data plane's tests: real podman hosts and proxies behind the emulator
	EMULATOR_DATAPLANE_TESTS=1 $(BIN)/python -m pytest emulator/tests/dataplane -q -p no:cacheprovider --durations=0
