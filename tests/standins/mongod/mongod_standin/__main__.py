"""`python3 -m mongod_standin --config /etc/mongod.conf` runs the stand-in server."""
import sys

from mongod_standin.cli import main

sys.exit(main(sys.argv[1:]))
