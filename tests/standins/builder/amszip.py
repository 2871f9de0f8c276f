"""ant-media-server-enterprise-standin-<version>.zip: the vendor zip's layout around the Python stand-in.

ant-media-server/
  ant-media-server.jar            a jar holding only META-INF/MANIFEST.MF with Implementation-Version
  plugins/ant-media-enterprise-standin-<version>.jar   how AMS's scripts recognise an Enterprise build
  StreamApp-<version>.war         the template the installer uses for custom apps
  antmedia.service start.sh change_server_mode.sh conf/ webapps/{root,LiveApp,WebRTCAppEE}/ lib/standin/
"""
import glob
import io
import os
import zipfile

STANDINS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
AMS = os.path.join(STANDINS, "ams")
DIST = os.path.join(AMS, "dist")
TOP = "ant-media-server"
# Fixed entry timestamps: the same inputs give the same zip.
ZIP_TIME = (2024, 1, 1, 0, 0, 0)
CLUSTER_NOTIFIER_3X = ("\t\t<!-- cluster start\n"
                       "\t\t<property name=\"clusterNotifier\" ref=\"tomcat.cluster\" />\n"
                       "\t\tcluster end -->")


def zip_name(version):
    return "ant-media-server-enterprise-standin-%s.zip" % version


def _manifest(version, title):
    return ("Manifest-Version: 1.0\r\nImplementation-Title: %s (STAND-IN, TEST DOUBLE)\r\n"
            "Implementation-Version: %s\r\nImplementation-Vendor: lowlatency.alicloud test doubles\r\n\r\n" % (title, version)).encode("ascii")


def _archive(entries):
    """Bytes of a zip holding entries: name -> (bytes, mode)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(entries):
            data, mode = entries[name]
            info = zipfile.ZipInfo(name, ZIP_TIME)
            info.external_attr = (0o100000 | mode) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return buffer.getvalue()


def _read(path):
    with open(path, "rb") as handle:
        return handle.read()


def _versioned(relative, data, version):
    """Substitutions that make one zip per AMS version: the version itself, and 3.x's third cluster block."""
    if relative == "change_server_mode.sh":
        return data.replace(b"@AMS_VERSION@", version.encode("ascii"))
    if relative == "conf/jee-container.xml":
        notifier = CLUSTER_NOTIFIER_3X if int(version.split(".")[0]) >= 3 else ""
        return data.replace(b"@CLUSTER_NOTIFIER@\n", (notifier + "\n").encode("ascii") if notifier else b"")
    return data


def _distribution_entries(version):
    entries = {}
    for directory, subdirectories, files in os.walk(DIST):
        for name in files:
            path = os.path.join(directory, name)
            relative = os.path.relpath(path, DIST)
            mode = 0o755 if os.access(path, os.X_OK) else 0o644
            entries["%s/%s" % (TOP, relative)] = (_versioned(relative, _read(path), version), mode)
    for source in sorted(glob.glob(os.path.join(AMS, "ams_standin", "*.py"))):
        entries["%s/lib/standin/ams_standin/%s" % (TOP, os.path.basename(source))] = (_read(source), 0o644)
    return entries


def _stream_app_war(version):
    properties = _read(os.path.join(DIST, "webapps", "LiveApp", "WEB-INF", "red5-web.properties"))
    return _archive({
        "META-INF/MANIFEST.MF": (_manifest(version, "StreamApp"), 0o644),
        "WEB-INF/red5-web.properties": (properties.replace(b"LiveApp", b"StreamApp").replace(b"liveapp", b"streamapp"), 0o644),
        "index.html": (_read(os.path.join(DIST, "webapps", "LiveApp", "index.html")).replace(b"LiveApp", b"StreamApp"), 0o644),
    })


def build_zip(version, out_dir):
    entries = _distribution_entries(version)
    jar = _archive({"META-INF/MANIFEST.MF": (_manifest(version, "Ant Media Server Enterprise"), 0o644)})
    entries["%s/ant-media-server.jar" % TOP] = (jar, 0o644)
    plugin = _archive({"META-INF/MANIFEST.MF": (_manifest(version, "ant-media-enterprise"), 0o644)})
    entries["%s/plugins/ant-media-enterprise-standin-%s.jar" % (TOP, version)] = (plugin, 0o644)
    entries["%s/StreamApp-%s.war" % (TOP, version)] = (_stream_app_war(version), 0o644)
    path = os.path.join(out_dir, zip_name(version))
    with open(path, "wb") as handle:
        handle.write(_archive(entries))
    return path
