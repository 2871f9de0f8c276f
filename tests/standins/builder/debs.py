"""mongodb-org stand-in packages: MongoDB's package names, versions and dependency shape, built with dpkg-deb.

Only mongodb-org-server carries a program (the Python mongod stand-in); the other packages exist so that
`apt install mongodb-org=<version>` resolves the way it does against repo.mongodb.org, and hold only a
README saying what they are.
"""
import glob
import os
import subprocess

from builder.releases import DATABASE_TOOLS_VERSION, MONGOSH_VERSION

STANDINS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MONGOD = os.path.join(STANDINS, "mongod")
DEBIAN_FILES = os.path.join(MONGOD, "debian")
MAINTAINER = "lowlatency.alicloud test doubles <standins@lowlatency.invalid>"
SERVER_DEPENDS = "adduser, python3 (>= 3.8), python3-pymongo, python3-yaml"
# The launcher is kept without its interpreter line in the repository (ansible-test allows only a few).
LAUNCHER_SHEBANG = b"#!/usr/bin/python3 -I\n"
# Fixed timestamps inside the .debs: the same inputs give the same bytes.
SOURCE_DATE_EPOCH = "1700000000"


class Package:
    def __init__(self, name, version, summary, depends="", files=None, conffiles=(), postinst=None):
        self.name = name
        self.version = version
        self.summary = summary
        self.depends = depends
        self.files = dict(files or {})  # target path -> (source file path or bytes, mode)
        self.conffiles = list(conffiles)
        self.postinst = postinst
        self.files["/usr/share/doc/%s/README.standin" % name] = (os.path.join(DEBIAN_FILES, "README.standin"), 0o644)

    @property
    def file_name(self):
        return "%s_%s_all.deb" % (self.name, self.version)

    def control(self, installed_size_kb):
        lines = [
            "Package: %s" % self.name,
            "Version: %s" % self.version,
            "Architecture: all",
            "Maintainer: %s" % MAINTAINER,
            "Installed-Size: %d" % installed_size_kb,
        ]
        if self.depends:
            lines.append("Depends: %s" % self.depends)
        lines += [
            "Section: database",
            "Priority: optional",
            "Description: %s - STAND-IN (TEST DOUBLE, not MongoDB)" % self.summary,
            " Test double of MongoDB's %s package, built for lowlatency.alicloud role" % self.name,
            " tests on machines that cannot download MongoDB. Never install it elsewhere.",
        ]
        return "\n".join(lines) + "\n"


def _pinned(*packages):
    return ", ".join("%s (= %s)" % (p.name, p.version) for p in packages)


def _server_files(version):
    files = {
        "/usr/bin/mongod": (LAUNCHER_SHEBANG + _read(os.path.join(DEBIAN_FILES, "mongod.launcher")), 0o755),
        "/etc/mongod.conf": (os.path.join(DEBIAN_FILES, "mongod.conf"), 0o644),
        "/lib/systemd/system/mongod.service": (os.path.join(DEBIAN_FILES, "mongod.service"), 0o644),
        "/usr/lib/mongodb-org-standin/version": (version.encode("ascii") + b"\n", 0o644),
    }
    for source in sorted(glob.glob(os.path.join(MONGOD, "mongod_standin", "*.py"))):
        files["/usr/lib/mongodb-org-standin/mongod_standin/" + os.path.basename(source)] = (source, 0o644)
    return files


def packages_for(version):
    """The packages of one MongoDB release, with the dependency shape MongoDB uses for that series."""
    series = tuple(int(part) for part in version.split(".")[:2])
    server = Package("mongodb-org-server", version, "MongoDB database server", SERVER_DEPENDS, _server_files(version),
                     conffiles=["/etc/mongod.conf"], postinst=os.path.join(DEBIAN_FILES, "postinst"))
    mongos = Package("mongodb-org-mongos", version, "MongoDB sharded cluster query router (no program)")
    if series < (6, 0):
        shell = Package("mongodb-org-shell", version, "MongoDB legacy shell (no program)")
        tools = Package("mongodb-org-tools", version, "MongoDB tools (no programs)",
                        "mongodb-database-tools" if series >= (4, 4) else "")
        meta = Package("mongodb-org", version, "MongoDB metapackage", _pinned(shell, server, mongos, tools))
        return [meta, server, mongos, shell, tools]
    extra = Package("mongodb-org-database-tools-extra", version, "Extra MongoDB database tools (no programs)")
    tools = Package("mongodb-org-tools", version, "MongoDB tools metapackage", "mongodb-database-tools, " + _pinned(extra))
    database = Package("mongodb-org-database", version, "MongoDB database metapackage", _pinned(server, mongos))
    meta = Package("mongodb-org", version, "MongoDB metapackage", _pinned(database, tools) + ", mongodb-mongosh")
    return [meta, database, server, mongos, tools, extra]


def companion_packages():
    """Packages MongoDB versions on their own, shared by every series from 4.4 (tools) and 6.0 (mongosh) on."""
    return [
        Package("mongodb-mongosh", MONGOSH_VERSION, "MongoDB Shell (no program)"),
        Package("mongodb-database-tools", DATABASE_TOOLS_VERSION, "MongoDB database tools (no programs)"),
    ]


def _read(path):
    with open(path, "rb") as handle:
        return handle.read()


def _write_tree(package, root):
    size = 0
    for target, (content, mode) in package.files.items():
        path = os.path.join(root, target.lstrip("/"))
        os.makedirs(os.path.dirname(path), exist_ok=True)
        data = content if isinstance(content, bytes) else _read(content)
        with open(path, "wb") as handle:
            handle.write(data)
        os.chmod(path, mode)
        size += len(data)
    control_dir = os.path.join(root, "DEBIAN")
    os.makedirs(control_dir, exist_ok=True)
    with open(os.path.join(control_dir, "control"), "w", encoding="utf-8") as handle:
        handle.write(package.control(size // 1024 + 1))
    if package.conffiles:
        with open(os.path.join(control_dir, "conffiles"), "w", encoding="utf-8") as handle:
            handle.write("\n".join(package.conffiles) + "\n")
    if package.postinst:
        target = os.path.join(control_dir, "postinst")
        with open(target, "wb") as handle:
            handle.write(_read(package.postinst))
        os.chmod(target, 0o755)
    for directory, subdirectories, files in os.walk(root):
        os.chmod(directory, 0o755)


def build(package, work_dir, out_dir):
    """Build one .deb into out_dir and return its path."""
    root = os.path.join(work_dir, "%s_%s" % (package.name, package.version))
    _write_tree(package, root)
    target = os.path.join(out_dir, package.file_name)
    environment = dict(os.environ, SOURCE_DATE_EPOCH=SOURCE_DATE_EPOCH)
    subprocess.run(["dpkg-deb", "--root-owner-group", "-Zxz", "--build", root, target],
                   check=True, env=environment, stdout=subprocess.DEVNULL)
    return target
