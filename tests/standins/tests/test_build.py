"""build.sh artefacts: the .debs, the signed apt repository (checked with gpgv and the real apt client), the AMS zips."""
import gzip
import hashlib
import os
import re
import shutil
import subprocess
import zipfile

import pytest

from conftest import STANDINS, free_port, require_tools

SERIES = {"4.2": "4.2.25", "4.4": "4.4.29", "6.0": "6.0.19", "7.0": "7.0.14", "8.0": "8.0.4"}


def dist(built, series, codename="bookworm", distro="debian"):
    return built / "repo" / "apt" / distro / "dists" / codename / "mongodb-org" / series


def deb(built, name, version, series):
    return dist(built, series) / "main" / "binary-amd64" / ("%s_%s_all.deb" % (name, version))


def deb_field(path, field):
    return subprocess.run(["dpkg-deb", "--field", str(path), field], check=True, stdout=subprocess.PIPE, universal_newlines=True).stdout.strip()


def deb_member(path, member):
    """A file from a .deb's data (`dpkg-deb --fsys-tarfile`), read without installing."""
    tar = subprocess.run(["dpkg-deb", "--fsys-tarfile", str(path)], check=True, stdout=subprocess.PIPE).stdout
    return subprocess.run(["tar", "-xOf", "-", "." + member], input=tar, check=True, stdout=subprocess.PIPE).stdout.decode()


def parse_stanzas(text):
    stanzas = []
    for block in text.strip().split("\n\n"):
        fields = {}
        for line in block.splitlines():
            if not line.startswith(" "):
                key, separator, value = line.partition(": ")
                fields[key] = value
        stanzas.append(fields)
    return stanzas


def test_a_second_build_with_unchanged_inputs_does_nothing(built):
    release = dist(built, "7.0") / "Release"
    before = release.stat().st_mtime_ns
    output = subprocess.run([str(STANDINS / "build.sh"), str(built)], check=True, stdout=subprocess.PIPE, universal_newlines=True).stdout
    assert "up to date" in output
    assert release.stat().st_mtime_ns == before


def test_a_changed_input_triggers_a_rebuild_with_the_same_keys(tmp_path):
    tree = tmp_path / "standins"
    shutil.copytree(STANDINS, tree, ignore=shutil.ignore_patterns("__pycache__", "tests"))
    out = tmp_path / "out"
    subprocess.run([str(tree / "build.sh"), str(out)], check=True, stdout=subprocess.PIPE)
    key = (out / "repo" / "static" / "pgp" / "server-7.0.asc").read_text()
    with open(tree / "mongod" / "debian" / "mongod.conf", "a") as handle:
        handle.write("# changed\n")
    output = subprocess.run([str(tree / "build.sh"), str(out)], check=True, stdout=subprocess.PIPE, universal_newlines=True).stdout
    assert "built" in output
    assert "# changed" in deb_member(deb(out, "mongodb-org-server", "7.0.14", "7.0"), "/etc/mongod.conf")
    assert (out / "repo" / "static" / "pgp" / "server-7.0.asc").read_text() == key


@pytest.mark.parametrize("series,version", sorted(SERIES.items()))
def test_server_package_has_mongodbs_name_version_and_files(built, series, version):
    path = deb(built, "mongodb-org-server", version, series)
    assert deb_field(path, "Package") == "mongodb-org-server"
    assert deb_field(path, "Version") == version
    assert "TEST DOUBLE" in deb_field(path, "Description")
    assert "python3-pymongo" in deb_field(path, "Depends")
    listing = subprocess.run(["dpkg-deb", "--contents", str(path)], check=True, stdout=subprocess.PIPE, universal_newlines=True).stdout
    for member in ("./usr/bin/mongod", "./etc/mongod.conf", "./lib/systemd/system/mongod.service", "./usr/lib/mongodb-org-standin/version"):
        assert member in listing
    assert deb_member(path, "/usr/lib/mongodb-org-standin/version").strip() == version
    control = subprocess.run(["dpkg-deb", "--info", str(path), "conffiles"], check=True, stdout=subprocess.PIPE, universal_newlines=True).stdout
    assert control.split() == ["/etc/mongod.conf"]


def test_unit_and_config_match_mongodbs_packaging(built):
    path = deb(built, "mongodb-org-server", "7.0.14", "7.0")
    unit = deb_member(path, "/lib/systemd/system/mongod.service")
    for line in ("User=mongodb", "Group=mongodb", "ExecStart=/usr/bin/mongod --config /etc/mongod.conf", "LimitNOFILE=64000",
                 "WantedBy=multi-user.target"):
        assert line in unit.splitlines()
    assert "TEST DOUBLE" in unit
    config = deb_member(path, "/etc/mongod.conf")
    assert re.search(r"^  bindIp: 127\.0\.0\.1$", config, re.M) and re.search(r"^  port: 27017$", config, re.M)
    assert re.search(r"^  dbPath: /var/lib/mongodb$", config, re.M)
    postinst = subprocess.run(["dpkg-deb", "--info", str(path), "postinst"], check=True, stdout=subprocess.PIPE, universal_newlines=True).stdout
    assert "adduser --system" in postinst and "--group mongodb" in postinst
    assert "systemctl" not in postinst.replace("# ", "")  # like MongoDB's, it neither enables nor starts the service


def test_metapackages_pin_the_same_release(built):
    assert deb_field(deb(built, "mongodb-org", "7.0.14", "7.0"), "Depends") == \
        "mongodb-org-database (= 7.0.14), mongodb-org-tools (= 7.0.14), mongodb-mongosh"
    assert deb_field(deb(built, "mongodb-org-database", "7.0.14", "7.0"), "Depends") == \
        "mongodb-org-server (= 7.0.14), mongodb-org-mongos (= 7.0.14)"
    assert deb_field(deb(built, "mongodb-org", "4.2.25", "4.2"), "Depends") == \
        "mongodb-org-shell (= 4.2.25), mongodb-org-server (= 4.2.25), mongodb-org-mongos (= 4.2.25), mongodb-org-tools (= 4.2.25)"


def test_packages_index_lists_every_deb_with_correct_size_and_hash(built):
    archive = built / "repo" / "apt" / "debian"
    directory = dist(built, "6.0") / "main" / "binary-amd64"
    stanzas = parse_stanzas((directory / "Packages").read_text())
    assert gzip.decompress((directory / "Packages.gz").read_bytes()) == (directory / "Packages").read_bytes()
    assert {s["Package"] for s in stanzas} == {"mongodb-org", "mongodb-org-database", "mongodb-org-server", "mongodb-org-mongos",
                                               "mongodb-org-tools", "mongodb-org-database-tools-extra", "mongodb-mongosh",
                                               "mongodb-database-tools"}
    for stanza in stanzas:
        data = (archive / stanza["Filename"]).read_bytes()
        assert int(stanza["Size"]) == len(data)
        assert stanza["SHA256"] == hashlib.sha256(data).hexdigest()


def test_release_lists_the_indexes_with_their_hashes(built):
    directory = dist(built, "7.0", "jammy", "ubuntu")
    release = (directory / "Release").read_text()
    assert "Components: multiverse" in release and "Suite: jammy/mongodb-org/7.0" in release
    sha256 = release.split("SHA256:\n", 1)[1]
    listed = dict((line.split()[2], line.split()[0]) for line in sha256.splitlines() if line.startswith(" "))
    assert set(listed) >= {"multiverse/binary-amd64/Packages", "multiverse/binary-amd64/Packages.gz", "multiverse/binary-arm64/Packages"}
    for relative, digest in listed.items():
        assert hashlib.sha256((directory / relative).read_bytes()).hexdigest() == digest


def dearmored_key(built, series, tmp_path):
    target = tmp_path / ("server-%s.gpg" % series)
    subprocess.run(["gpg", "--batch", "--yes", "--dearmor", "--output", str(target), str(built / "repo" / "static" / "pgp" / ("server-%s.asc" % series))],
                   check=True)
    return target


def gpgv(keyring, *files):
    return subprocess.run(["gpgv", "--keyring", str(keyring)] + [str(f) for f in files], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          universal_newlines=True, check=False)


def test_release_signatures_verify_with_the_series_key_only(built, tmp_path):
    require_tools("gpg", "gpgv")
    directory = dist(built, "7.0")
    key = dearmored_key(built, "7.0", tmp_path)
    assert gpgv(key, directory / "InRelease").returncode == 0
    assert gpgv(key, directory / "Release.gpg", directory / "Release").returncode == 0
    other = dearmored_key(built, "6.0", tmp_path)
    assert gpgv(other, directory / "InRelease").returncode != 0
    tampered = tmp_path / "Release"
    tampered.write_text((directory / "Release").read_text().replace("Label: mongodb", "Label: evil"))
    assert gpgv(key, directory / "Release.gpg", tampered).returncode != 0


def test_public_keys_are_published_where_mongodb_publishes_them(built):
    for series in SERIES:
        static = built / "repo" / "static" / "pgp" / ("server-%s.asc" % series)
        assert static.read_text().startswith("-----BEGIN PGP PUBLIC KEY BLOCK-----")
        assert (built / "repo" / ("server-%s.asc" % series)).read_text() == static.read_text()


@pytest.fixture
def served(built):
    port = free_port()
    url = subprocess.run([str(STANDINS / "serve.sh"), "start", str(built), "127.0.0.1", str(port)], check=True,
                         stdout=subprocess.PIPE, universal_newlines=True).stdout.strip()
    yield url
    subprocess.run([str(STANDINS / "serve.sh"), "stop", str(built), "127.0.0.1", str(port)], check=True)


def apt(tmp_path, sources_line, *arguments, tool="apt-get"):
    """The host's apt client against only the given source, with its own state and cache directories."""
    for directory in ("state/lists/partial", "cache/archives/partial", "parts"):
        (tmp_path / directory).mkdir(parents=True, exist_ok=True)
    (tmp_path / "status").touch()
    (tmp_path / "sources.list").write_text(sources_line + "\n")
    options = ["Dir::Etc::SourceList=%s/sources.list" % tmp_path, "Dir::Etc::SourceParts=%s/parts" % tmp_path,
               "Dir::State=%s/state" % tmp_path, "Dir::State::status=%s/status" % tmp_path, "Dir::Cache=%s/cache" % tmp_path,
               "Dir::Etc::Preferences=/dev/null", "Dir::Etc::PreferencesParts=%s/parts" % tmp_path, "APT::Sandbox::User=root",
               "Acquire::http::Proxy=DIRECT"]
    command = [tool] + [item for option in options for item in ("-o", option)] + list(arguments)
    return subprocess.run(command, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True, check=False)


def apt_usable():
    require_tools("apt-get", "apt-cache")
    if os.geteuid() != 0:
        pytest.skip("apt-get update with private state directories needs root here")


def test_apt_installs_from_the_served_repository_with_a_signed_by_keyring(built, served, tmp_path):
    apt_usable()
    key = built / "repo" / "static" / "pgp" / "server-7.0.asc"  # apt reads armored keys from *.asc in signed-by
    line = "deb [signed-by=%s] %s/apt/debian bookworm/mongodb-org/7.0 main" % (key, served)
    update = apt(tmp_path, line, "update")
    assert update.returncode == 0, update.stdout
    assert "NO_PUBKEY" not in update.stdout and "not signed" not in update.stdout
    shown = apt(tmp_path, line, "show", "mongodb-org=7.0.14", tool="apt-cache")
    assert "Depends: mongodb-org-database (= 7.0.14)" in shown.stdout
    download = apt(tmp_path, line, "download", "mongodb-org-server=7.0.14")
    assert download.returncode == 0, download.stdout
    assert (tmp_path / "mongodb-org-server_7.0.14_all.deb").read_bytes() == deb(built, "mongodb-org-server", "7.0.14", "7.0").read_bytes()


def test_apt_rejects_the_repository_under_the_wrong_key(built, served, tmp_path):
    apt_usable()
    wrong_key = built / "repo" / "static" / "pgp" / "server-6.0.asc"
    line = "deb [signed-by=%s] %s/apt/debian bookworm/mongodb-org/7.0 main" % (wrong_key, served)
    update = apt(tmp_path, line, "update")
    assert "NO_PUBKEY" in update.stdout or "not signed" in update.stdout
    assert apt(tmp_path, line, "policy", "mongodb-org", tool="apt-cache").stdout.count("7.0.14") == 0


@pytest.mark.parametrize("version", ["2.11.3", "3.0.3"])
def test_ams_zip_has_the_vendor_layout(built, version):
    path = built / "ams" / ("ant-media-server-enterprise-standin-%s.zip" % version)
    with zipfile.ZipFile(path) as archive:
        names = set(archive.namelist())
        for member in ("conf/red5.properties", "conf/jee-container.xml", "start.sh", "change_server_mode.sh", "antmedia.service",
                       "ant-media-server.jar", "webapps/root/WEB-INF/red5-web.properties", "webapps/LiveApp/WEB-INF/red5-web.properties",
                       "webapps/WebRTCAppEE/WEB-INF/red5-web.properties", "lib/standin/ams-standin", "StreamApp-%s.war" % version):
            assert "ant-media-server/" + member in names
        assert all(name.startswith("ant-media-server/") for name in names)
        mode = archive.getinfo("ant-media-server/change_server_mode.sh").external_attr >> 16
        assert mode & 0o111
        with zipfile.ZipFile(archive.open("ant-media-server/ant-media-server.jar")) as jar:
            assert "Implementation-Version: %s" % version in jar.read("META-INF/MANIFEST.MF").decode()
        unit = archive.read("ant-media-server/antmedia.service").decode()
        assert "User=antmedia" in unit and "WorkingDirectory=/usr/local/antmedia" in unit and "TEST DOUBLE" in unit
    assert (built / "ams" / "install_ant-media-server.sh").stat().st_mode & 0o111
