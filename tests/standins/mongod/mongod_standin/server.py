"""Listening sockets (one per configured address) and one thread per client connection."""
import itertools
import socket
import threading

from mongod_standin import commands, wire
from mongod_standin.errors import StartupError
from mongod_standin.state import Session


def listen_addresses(options):
    """(family, address) pairs to bind: bindIpAll means every IPv4 address; names resolve like mongod resolves them."""
    if options.bind_ip_all:
        return [(socket.AF_INET, "0.0.0.0")]
    resolved = []
    for address in options.bind_ip:
        family = socket.AF_INET6 if ":" in address else socket.AF_INET
        try:
            info = socket.getaddrinfo(address, options.port, family, socket.SOCK_STREAM)
        except socket.gaierror as error:
            raise StartupError("Failed to set up listener: %s: %s" % (address, error), StartupError.NET_ERROR)
        entry = (family, info[0][4][0])
        if entry not in resolved:
            resolved.append(entry)
    return resolved


class MongodServer:
    def __init__(self, state):
        self.state = state
        self.listeners = []
        self.clients = set()
        self.clients_lock = threading.Lock()
        self.reply_ids = itertools.count(1)
        self.stopping = threading.Event()

    def bind(self):
        for family, address in listen_addresses(self.state.options):
            listener = socket.socket(family, socket.SOCK_STREAM)
            listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                listener.bind((address, self.state.options.port))
            except OSError as error:
                listener.close()
                self.close_listeners()
                raise StartupError("Failed to set up listener: SocketException: %s (%s:%d)" % (error.strerror, address, self.state.options.port),
                                   StartupError.NET_ERROR)
            listener.listen(128)
            self.listeners.append(listener)
            self.state.logger.log("NETWORK", "Listening on", log_id=23015, context="listener", address=address)

    def start(self):
        for listener in self.listeners:
            threading.Thread(target=self._accept_loop, args=(listener,), daemon=True).start()

    def stop(self):
        self.stopping.set()
        self.close_listeners()
        with self.clients_lock:
            for client in list(self.clients):
                _close_quietly(client)

    def close_listeners(self):
        for listener in self.listeners:
            _close_quietly(listener)
        self.listeners = []

    def _accept_loop(self, listener):
        while not self.stopping.is_set():
            try:
                client, peer = listener.accept()
            except OSError:
                return
            client.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            threading.Thread(target=self._serve_client, args=(client, peer), daemon=True).start()

    def _serve_client(self, client, peer):
        state = self.state
        session = Session(next(state.connection_ids), peer)
        with self.clients_lock:
            self.clients.add(client)
        with state.connections_lock:
            state.connections += 1
        context = "conn%d" % session.connection_id
        state.logger.log("NETWORK", "Connection accepted", log_id=22943, context="listener", remote="%s:%d" % peer[:2],
                         connectionId=session.connection_id, connectionCount=state.connections)
        try:
            self._conversation(client, session)
        except (wire.ProtocolError, OSError, ValueError) as error:
            state.logger.log("NETWORK", "Closing connection after an error", severity="W", context=context, error=str(error))
        finally:
            with self.clients_lock:
                self.clients.discard(client)
            with state.connections_lock:
                state.connections -= 1
            _close_quietly(client)
            state.logger.log("NETWORK", "Connection ended", log_id=22944, context=context, remote="%s:%d" % peer[:2],
                             connectionId=session.connection_id, connectionCount=state.connections)

    def _conversation(self, client, session):
        while not self.stopping.is_set():
            message = wire.read_message(client)
            if message is None:
                return
            reply = self._dispatch(session, message)
            if message.expects_reply:
                client.sendall(wire.encode_reply(message, next(self.reply_ids), reply))

    def _dispatch(self, session, message):
        if message.opcode == wire.OP_QUERY:
            db, separator, collection = message.collection.partition(".")
            if collection != "$cmd":
                return {"$err": "stand-in: legacy OP_QUERY reads are not modelled", "code": 5739101, "ok": 0.0}
            return commands.run(self.state, session, db, message.body, legacy=True)
        db = message.body.pop("$db", None)
        if not db:
            return {"ok": 0.0, "errmsg": "OP_MSG requests require a $db argument", "code": 40571, "codeName": "Location40571"}
        return commands.run(self.state, session, db, message.body)


def _close_quietly(sock):
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    sock.close()
