# The whole deployment end to end on this machine (tests/e2e/run.sh): the emulator with its podman data plane, the
# stand-in MongoDB repository served to the instances, site.yml (infra, mongodb, cluster, verify), verify.yml, a
# second site.yml that must change nothing, teardown.yml. `demo` shows it; `e2e-test` runs it at -vvv under
# throttling and transient errors and checks that nothing is left and no secret is printed or logged.

.PHONY: demo e2e-test
TEST_SUITES += e2e-test

demo: hosts-setup standins-build collections ## build the whole cluster against the emulator, verify it, re-run it (no change), tear it down
	@CACHE=$(CACHE) tests/e2e/run.sh demo

e2e-test: hosts-setup standins-build collections ## the end-to-end run with faults on (E2E_PROFILE=name|file), asserting convergence and no secret leak
	@CACHE=$(CACHE) tests/e2e/run.sh test $(E2E_PROFILE)
