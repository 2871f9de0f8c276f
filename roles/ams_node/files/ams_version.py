# -*- coding: utf-8 -*-
# Copyright: lowlatency.alicloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Print the Ant Media Server version of an installation directory (nothing when none is there) or of a zip.

The version is the Implementation-Version in ant-media-server.jar's manifest, where the vendor's scripts read it.
usage: python3 ams_version.py /usr/local/antmedia | /path/to/ant-media-server-enterprise.zip
"""

from __future__ import absolute_import, division, print_function

import io
import os
import sys
import zipfile

MANIFEST = "META-INF/MANIFEST.MF"


def jar_bytes(path):
    if not path.endswith(".zip"):  # an installation directory, which may not exist yet
        jar = os.path.join(path, "ant-media-server.jar")
        if not os.path.isfile(jar):
            return None
        with open(jar, "rb") as jar_file:
            return jar_file.read()
    with zipfile.ZipFile(path) as archive:
        return archive.read("ant-media-server/ant-media-server.jar")


def version(jar):
    with zipfile.ZipFile(io.BytesIO(jar)) as archive:
        for line in archive.read(MANIFEST).decode("utf-8", "replace").splitlines():
            if line.startswith("Implementation-Version:"):
                return line.split(":", 1)[1].strip()
    return ""


def main():
    try:
        jar = jar_bytes(sys.argv[1])
        print(version(jar) if jar else "")
    except (OSError, KeyError, zipfile.BadZipFile) as error:
        sys.exit("%s holds no Ant Media Server: %s" % (sys.argv[1], error))


if __name__ == "__main__":
    main()
