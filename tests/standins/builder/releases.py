"""Which releases the stand-ins impersonate. Real release numbers, so roles can pin them as they would."""

# MongoDB series -> the release the stand-in packages carry (each the series' newest or a recent patch release).
MONGODB_RELEASES = {
    "4.2": "4.2.25",
    "4.4": "4.4.29",
    "6.0": "6.0.19",
    "7.0": "7.0.14",
    "8.0": "8.0.4",
}
# Companion packages MongoDB versions separately from the server.
MONGOSH_VERSION = "2.3.8"
DATABASE_TOOLS_VERSION = "100.10.0"

# distribution -> (component, codenames). repo.mongodb.org carries each series only for the codenames
# MongoDB built it for; the stand-in repository carries every series for every codename listed here,
# so a role's own OS/version guard must not rely on the repository to refuse a pair.
DISTRIBUTIONS = {
    "debian": ("main", ["bookworm", "bullseye"]),
    "ubuntu": ("multiverse", ["focal", "jammy", "noble"]),
}
ARCHITECTURES = ["amd64", "arm64"]

# Ant Media Server Enterprise versions the zip stand-in is built at (2.x and 3.x script behaviour differ).
AMS_VERSIONS = ["2.11.3", "3.0.3"]
