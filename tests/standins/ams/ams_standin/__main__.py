"""`python3 -m ams_standin` runs the stand-in from the AMS home directory (ANTMEDIA_HOME or the current directory)."""
import sys

from ams_standin.main import main

sys.exit(main())
