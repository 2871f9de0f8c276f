# Stand-ins (TEST DOUBLES) for the two vendor binaries these machines cannot download: mongod (as the
# mongodb-org packages in a signed apt repository) and Ant Media Server Enterprise (as its zip).
# See tests/standins/README.md. Build output goes to $(CACHE)/standins.

STANDINS_OUT := $(CACHE)/standins
# command -> Debian package providing it, for what build.sh and the tests call
STANDINS_TOOLS := gpg:gnupg gpgv:gpgv gpgconf:gpgconf dpkg-deb:dpkg apt-get:apt ip:iproute2 tar:tar

.PHONY: standins-deps standins-build standins-test
TEST_SUITES += standins-test

standins-deps: ## install the Debian packages the stand-ins' build and tests need (once)
	@missing=""; \
	for pair in $(STANDINS_TOOLS); do \
	  command -v "$${pair%%:*}" >/dev/null || missing="$$missing $${pair#*:}"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "standins: installing$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi

standins-build: standins-deps ## build the mongodb-org apt repo and AMS zips (test doubles) into .cache/standins
	@tests/standins/build.sh $(STANDINS_OUT)

standins-test: venv standins-deps ## pytest the mongod and AMS stand-ins, their packages and the signed repo
	$(BIN)/python -m pytest tests/standins/tests -q -p no:cacheprovider
