"""An apt repository laid out like repo.mongodb.org, so a role only swaps the base URL:

    <base>/apt/<distro>/dists/<codename>/mongodb-org/<series>/{Release,InRelease,Release.gpg}
    <base>/apt/<distro>/dists/<codename>/mongodb-org/<series>/<component>/binary-<arch>/{Packages,Packages.gz,*.deb}
    <base>/static/pgp/server-<series>.asc   (and <base>/server-<series>.asc, the pgp.mongodb.com form)

matching the sources line `deb [signed-by=...] <base>/apt/debian bookworm/mongodb-org/7.0 main`.
The index files are written here (Packages stanzas from the .deb control data, Release with sizes and hashes).
"""
import email.utils
import gzip
import hashlib
import os
import subprocess

from builder.releases import ARCHITECTURES, DISTRIBUTIONS

HASHES = (("MD5Sum", "md5"), ("SHA1", "sha1"), ("SHA256", "sha256"))


def _digests(data):
    return {name: hashlib.new(name, data).hexdigest() for field, name in HASHES}


def package_stanza(deb_path, filename):
    """The Packages entry for one .deb: its control fields, then where it is and its size and hashes."""
    control = subprocess.run(["dpkg-deb", "--field", deb_path], check=True, stdout=subprocess.PIPE, universal_newlines=True).stdout
    with open(deb_path, "rb") as handle:
        data = handle.read()
    digests = _digests(data)
    extra = ["Filename: %s" % filename, "Size: %d" % len(data), "MD5sum: %s" % digests["md5"],
             "SHA1: %s" % digests["sha1"], "SHA256: %s" % digests["sha256"]]
    return control.rstrip("\n") + "\n" + "\n".join(extra) + "\n"


def _write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as handle:
        handle.write(data)


def release_text(suite, component, index_files):
    """Release for one dist directory; index_files maps a path relative to it to the file's bytes."""
    lines = [
        "Origin: mongodb",
        "Label: mongodb",
        "Suite: %s" % suite,
        "Codename: %s" % suite,
        "Architectures: %s" % " ".join(ARCHITECTURES),
        "Components: %s" % component,
        "Date: %s" % email.utils.formatdate(usegmt=True),
        "Description: mongodb-org STAND-IN repository (TEST DOUBLE for lowlatency.alicloud, not MongoDB's)",
    ]
    for field, name in HASHES:
        lines.append("%s:" % field)
        for relative, data in sorted(index_files.items()):
            lines.append(" %s %d %s" % (hashlib.new(name, data).hexdigest(), len(data), relative))
    return "\n".join(lines) + "\n"


def write_series(archive_root, codename, component, series, debs, signer):
    """One <codename>/mongodb-org/<series> dist: the .debs, the Packages indexes for each architecture, a signed Release."""
    dist = "dists/%s/mongodb-org/%s" % (codename, series)
    pool = "%s/%s/binary-%s" % (dist, component, ARCHITECTURES[0])
    stanzas = []
    for deb in sorted(debs):
        target = os.path.join(archive_root, pool, os.path.basename(deb))
        os.makedirs(os.path.dirname(target), exist_ok=True)
        os.link(deb, target)
        stanzas.append(package_stanza(deb, "%s/%s" % (pool, os.path.basename(deb))))
    packages = "\n".join(stanzas).encode("utf-8")
    compressed = gzip.compress(packages, mtime=0)
    index_files = {}
    for architecture in ARCHITECTURES:
        relative = "%s/binary-%s" % (component, architecture)
        index_files[relative + "/Packages"] = packages
        index_files[relative + "/Packages.gz"] = compressed
    for relative, data in index_files.items():
        _write(os.path.join(archive_root, dist, relative), data)
    release = os.path.join(archive_root, dist, "Release")
    _write(release, release_text("%s/mongodb-org/%s" % (codename, series), component, index_files).encode("utf-8"))
    signer.sign_release(series, release)


def write_repository(repo_root, debs_by_series, signer):
    for distro, (component, codenames) in DISTRIBUTIONS.items():
        for codename in codenames:
            for series, debs in sorted(debs_by_series.items()):
                write_series(os.path.join(repo_root, "apt", distro), codename, component, series, debs, signer)
    for series in debs_by_series:
        key_path = os.path.join(repo_root, "static", "pgp", "server-%s.asc" % series)
        os.makedirs(os.path.dirname(key_path), exist_ok=True)
        signer.export_public_key(series, key_path)
        os.link(key_path, os.path.join(repo_root, "server-%s.asc" % series))
