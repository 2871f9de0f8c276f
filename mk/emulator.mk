# The local Alibaba Cloud API emulator (emulator/, see emulator/README.md): its own test suite, and a
# foreground server for developers. It needs only the SDKs that requirements.txt already pins.

EMULATOR_PORT ?= 8765
EMULATOR_PROFILE ?= fast
EMULATOR_STATE ?= $(CACHE)/emulator/state.json
EMULATOR_LOG ?= $(CACHE)/emulator/requests.jsonl

.PHONY: emulator-test emulator-serve emulator-reset
TEST_SUITES += emulator-test

emulator-test: venv ## the emulator's tests: unmodified SDK clients against a live emulator
	$(BIN)/python -m pytest emulator/tests -q -p no:cacheprovider

emulator-serve: venv ## run the emulator in the foreground (EMULATOR_PORT, EMULATOR_PROFILE, EMULATOR_STATE, EMULATOR_LOG)
	@mkdir -p $(dir $(EMULATOR_STATE)) $(dir $(EMULATOR_LOG))
	$(BIN)/python -m emulator serve --port $(EMULATOR_PORT) --profile $(EMULATOR_PROFILE) \
	  --state $(EMULATOR_STATE) --log $(EMULATOR_LOG)

emulator-reset: venv ## clear the state file emulator-serve uses (stop the server first)
	$(BIN)/python -m emulator reset --state $(EMULATOR_STATE)
