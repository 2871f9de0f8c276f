# Roles (roles/*) are tested by their Molecule scenarios (roles/*/molecule/*/), which `molecule-test` in mk/hosts.mk
# runs. The mongodb role's scenario installs from the stand-in mongodb-org repository, so build it first; the
# scenario's prepare.yml serves it to the test hosts (tests/standins/serve.sh) and its destroy.yml stops the server.
molecule-test: standins-build sanity-deps  # sanity-deps: shellcheck, for the rendered first-boot script
