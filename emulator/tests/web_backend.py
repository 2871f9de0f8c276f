"""A backend for listener tests, standard library only: the data plane tests run this file on their hosts.

GET answers ``<hostname> <X-Forwarded-For> <X-Forwarded-Proto>``; POST answers its body upper-cased; an upgrade
(WebSocket-style) is switched, then everything the client sends comes back upper-cased until it closes; GET /slow
does not answer for 30 seconds. ``python3 web_backend.py PORT`` serves on every address.
"""

import http.server
import socket
import sys
import time


class Handler(http.server.BaseHTTPRequestHandler):

    def do_GET(self):
        if self.path == '/slow':
            time.sleep(30)
            return
        if self.headers.get('Upgrade', '').lower() == 'websocket':
            self.send_response(101)
            self.send_header('Upgrade', 'websocket')
            self.send_header('Connection', 'Upgrade')
            self.end_headers()
            self.wfile.flush()
            for data in iter(lambda: self.connection.recv(1024), b''):
                self.connection.sendall(data.upper())
            self.close_connection = True
            return
        self._answer(' '.join([socket.gethostname(), self.headers.get('X-Forwarded-For', '-'),
                               self.headers.get('X-Forwarded-Proto', '-')]).encode())

    def do_POST(self):
        self._answer(self.rfile.read(int(self.headers['Content-Length'])).upper())

    def _answer(self, body):
        self.send_response(200)
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def serve(host, port):
    """The server, bound (port 0: any free port); the caller runs serve_forever()."""
    return http.server.ThreadingHTTPServer((host, port), Handler)


if __name__ == '__main__':
    serve('', int(sys.argv[1])).serve_forever()
