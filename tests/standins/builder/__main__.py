"""python3 -m builder OUTDIR: build every stand-in artefact into OUTDIR (see tests/standins/build.sh)."""
import os
import shutil
import sys
import tempfile

from builder import amszip, aptrepo, debs
from builder.releases import AMS_VERSIONS, MONGODB_RELEASES
from builder.signing import Signer

INSTALLER = os.path.join(amszip.AMS, "install_ant-media-server.sh")


def build_packages(work_dir, deb_dir):
    """series -> .deb paths: each release's own packages plus the separately versioned companions."""
    os.makedirs(deb_dir)
    companions = [debs.build(p, work_dir, deb_dir) for p in debs.companion_packages()]
    return {series: [debs.build(p, work_dir, deb_dir) for p in debs.packages_for(version)] + companions
            for series, version in MONGODB_RELEASES.items()}


def build_ams(out_dir):
    os.makedirs(out_dir)
    for version in AMS_VERSIONS:
        amszip.build_zip(version, out_dir)
    shutil.copy2(INSTALLER, os.path.join(out_dir, os.path.basename(INSTALLER)))


def replace_directory(new, final):
    """Swap a freshly built tree in, so a server reading OUTDIR never sees a half-written one for long."""
    if os.path.exists(final):
        old = final + ".old"
        shutil.rmtree(old, ignore_errors=True)
        os.rename(final, old)
        os.rename(new, final)
        shutil.rmtree(old)
    else:
        os.rename(new, final)


def main(argv):
    if len(argv) != 1:
        print("usage: python3 -m builder OUTDIR", file=sys.stderr)
        return 2
    out = os.path.abspath(argv[0])
    os.makedirs(out, exist_ok=True)
    signer = Signer(os.path.join(out, "gnupg"))
    work = tempfile.mkdtemp(prefix="standins-build-", dir=out)
    try:
        debs_by_series = build_packages(os.path.join(work, "trees"), os.path.join(work, "debs"))
        aptrepo.write_repository(os.path.join(work, "repo"), debs_by_series, signer)
        build_ams(os.path.join(work, "ams"))
        replace_directory(os.path.join(work, "repo"), os.path.join(out, "repo"))
        replace_directory(os.path.join(work, "ams"), os.path.join(out, "ams"))
    finally:
        signer.close()
        shutil.rmtree(work, ignore_errors=True)
    print("standins: built %s (mongodb-org %s; AMS %s)" % (out, ", ".join(MONGODB_RELEASES.values()), ", ".join(AMS_VERSIONS)))
    return 0


sys.exit(main(sys.argv[1:]))
