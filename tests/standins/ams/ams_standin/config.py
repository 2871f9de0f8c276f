"""The configuration AMS reads at start: conf/red5.properties, conf/jee-container.xml, each app's red5-web.properties."""
import os
from xml.etree import ElementTree
import zipfile

CLUSTER_BEAN_CLASS = "io.antmedia.enterprise.cluster.TcpCluster"
DEFAULT_REMOTE_ALLOWED_CIDR = "127.0.0.1"


class ConfigError(Exception):
    """AMS would not start with this configuration."""


def read_properties(path):
    """Java-style key=value lines; '#' and '!' start comments; later keys win."""
    properties = {}
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            stripped = line.strip()
            if not stripped or stripped[0] in "#!" or "=" not in stripped:
                continue
            key, separator, value = stripped.partition("=")
            properties[key.strip()] = value.strip()
    return properties


def cluster_enabled(jee_container_path):
    """True when the TcpCluster bean is active, i.e. change_server_mode.sh uncommented the cluster blocks.

    A file that is not well-formed XML stops AMS at start (Spring cannot load it), so it is an error here too.
    """
    try:
        tree = ElementTree.parse(jee_container_path)
    except (ElementTree.ParseError, OSError) as error:
        raise ConfigError("cannot load %s: %s" % (jee_container_path, error))
    return any(element.get("class") == CLUSTER_BEAN_CLASS for element in tree.iter())


def version_from_jar(jar_path):
    """Implementation-Version from ant-media-server.jar's manifest, as the vendor's scripts read it."""
    with zipfile.ZipFile(jar_path) as jar:
        manifest = jar.read("META-INF/MANIFEST.MF").decode("utf-8")
    for line in manifest.splitlines():
        if line.startswith("Implementation-Version:"):
            return line.split(":", 1)[1].strip()
    raise ConfigError("no Implementation-Version in %s" % jar_path)


def mongo_uri(host, user="", password=""):
    """AMS 2.x MongoStore.getMongoConnectionUri: URIs pass through, a bare host becomes mongodb://[user:pass@]host."""
    if host.startswith("mongodb://") or host.startswith("mongodb+srv://"):
        return host
    credentials = "%s:%s@" % (user, password) if user else ""
    return "mongodb://%s%s" % (credentials, host)


class App:
    def __init__(self, name, directory, properties):
        self.name = name
        self.directory = directory
        self.db_type = properties.get("db.type", "mapdb")
        self.db_host = properties.get("db.host", "")
        self.db_name = properties.get("db.name", name.lower())
        cidr = properties.get("remoteAllowedCIDR", properties.get("settings.remoteAllowedCIDR", DEFAULT_REMOTE_ALLOWED_CIDR))
        self.remote_allowed_cidr = [part.strip() for part in cidr.split(",") if part.strip()]
        self.failure = None  # why the app did not start, if it did not


class ServerConfig:
    def __init__(self, home):
        self.home = home
        properties = read_properties(os.path.join(home, "conf", "red5.properties"))
        self.properties = properties
        self.version = version_from_jar(os.path.join(home, "ant-media-server.jar"))
        self.http_host = properties.get("http.host", "0.0.0.0")
        self.http_port = int(properties.get("http.port", "5080"))
        self.origin_port = int(properties.get("server.origin_port", "5000"))
        self.use_global_ip = properties.get("useGlobalIp", "false").lower() == "true"
        self.cluster_db_host = properties.get("clusterdb.host", "")
        self.cluster_db_user = properties.get("clusterdb.user", "")
        self.cluster_db_password = properties.get("clusterdb.password", "")
        self.jwt_enabled = properties.get("server.jwtServerControlEnabled", "false").lower() == "true"
        self.jwt_secret = properties.get("server.jwtServerSecretKey", "")
        self.cluster_mode = cluster_enabled(os.path.join(home, "conf", "jee-container.xml"))
        self.apps = self._read_apps()

    def _read_apps(self):
        webapps = os.path.join(self.home, "webapps")
        apps = []
        for name in sorted(os.listdir(webapps)):
            properties_path = os.path.join(webapps, name, "WEB-INF", "red5-web.properties")
            if os.path.isfile(properties_path):
                apps.append(App(name, os.path.join(webapps, name), read_properties(properties_path)))
        return apps

    @property
    def cluster_uri(self):
        return mongo_uri(self.cluster_db_host, self.cluster_db_user, self.cluster_db_password)

    def app(self, name):
        return next((app for app in self.apps if app.name == name), None)
