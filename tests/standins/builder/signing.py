"""Per-series signing keys for the stand-in repository, generated on first build and kept in OUTDIR/gnupg.

MongoDB signs each release series with its own key and publishes it as server-<series>.asc; the stand-in
does the same with throw-away test keys (never committed, never MongoDB's).
"""
import os
import subprocess

KEY_UID = "mongodb-org {series} stand-in signing key (TEST DOUBLE, lowlatency.alicloud) <standins@lowlatency.invalid>"


class Signer:
    def __init__(self, home):
        self.home = home
        os.makedirs(home, mode=0o700, exist_ok=True)
        os.chmod(home, 0o700)

    def _gpg(self, *arguments, capture=False):
        command = ["gpg", "--homedir", self.home, "--batch", "--quiet", "--no-tty", "--pinentry-mode", "loopback", "--passphrase", ""]
        result = subprocess.run(command + list(arguments), check=True, stdout=subprocess.PIPE if capture else subprocess.DEVNULL,
                                stderr=subprocess.PIPE, universal_newlines=True)
        return result.stdout

    def fingerprint(self, series):
        """The series' key fingerprint, generating the key (ed25519, no expiry) the first time."""
        uid = KEY_UID.format(series=series)
        for attempt in ("existing", "generated"):
            listing = subprocess.run(["gpg", "--homedir", self.home, "--batch", "--with-colons", "--list-secret-keys", "=" + uid],
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, universal_newlines=True, check=False).stdout
            fingerprints = [line.split(":")[9] for line in listing.splitlines() if line.startswith("fpr:")]
            if fingerprints:
                return fingerprints[0]
            self._gpg("--quick-generate-key", uid, "ed25519", "sign", "never")
        raise RuntimeError("could not create a signing key for %s" % series)

    def export_public_key(self, series, path):
        armored = self._gpg("--armor", "--export", self.fingerprint(series), capture=True)
        with open(path, "w", encoding="ascii") as handle:
            handle.write(armored)

    def sign_release(self, series, release_path):
        """InRelease (clear-signed) and Release.gpg (detached, armored) next to Release."""
        directory = os.path.dirname(release_path)
        key = self.fingerprint(series)
        self._gpg("--yes", "--local-user", key, "--digest-algo", "SHA256", "--clearsign",
                  "--output", os.path.join(directory, "InRelease"), release_path)
        self._gpg("--yes", "--local-user", key, "--digest-algo", "SHA256", "--armor", "--detach-sign",
                  "--output", os.path.join(directory, "Release.gpg"), release_path)

    def close(self):
        subprocess.run(["gpgconf", "--homedir", self.home, "--kill", "gpg-agent"], check=False,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
