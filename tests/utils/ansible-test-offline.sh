#!/usr/bin/env bash
# ansible-test --venv bootstraps pip by downloading get-pip.py from a host these machines cannot reach.
# It looks in its cache first, so put an offline shim there that bootstraps pip with ensurepip instead.
set -eu
python=$1
version=$("$python" - <<'PY'
import re, ansible_test._internal.python_requirements as m, inspect
print(re.search(r"pip='([0-9.]+)'", inspect.getsource(m)).group(1))
PY
)
cache=$HOME/.ansible/test/cache
shim=$cache/get_pip_${version//./_}.py
[ -f "$shim" ] && exit 0
mkdir -p "$cache"
cat > "$shim" <<'PY'
# Offline replacement for get-pip.py, written by tests/utils/ansible-test-offline.sh.
import ensurepip
import os
import subprocess
import sys

env = dict(os.environ)  # ensurepip sets PIP_CONFIG_FILE=/dev/null in os.environ; the second pip needs the real config
args = [a for a in sys.argv[1:] if a not in ('--no-setuptools', '--no-wheel')]
ensurepip.bootstrap(upgrade=True, default_pip=True)
sys.exit(subprocess.call([sys.executable, '-m', 'pip', 'install'] + args, env=env))
PY
