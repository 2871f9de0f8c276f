"""Command line: ``python -m emulator serve ...`` and ``python -m emulator reset --state FILE``."""

import argparse
import signal
import sys
import threading

from emulator.core.server import DEFAULT_ACCESS_KEYS, Emulator, EmulatorHTTPServer
from emulator.core.store import StateInUse, Store


def _access_key(text):
    key_id, separator, secret = text.partition(':')
    if not separator or not key_id or not secret:
        raise argparse.ArgumentTypeError('an access key is ID:SECRET')
    return key_id, secret


def _parser():
    parser = argparse.ArgumentParser(prog='python -m emulator', description='Local Alibaba Cloud API emulator.')
    commands = parser.add_subparsers(dest='command', required=True)
    serve = commands.add_parser('serve', help='serve the API on one loopback port')
    serve.add_argument('--port', type=int, default=8765)
    serve.add_argument('--host', default='127.0.0.1', help='address to bind (default 127.0.0.1)')
    serve.add_argument('--state', help='state file (JSON); without it state lives in memory only')
    serve.add_argument('--profile', default='fast', help='fast, realistic, faulty or a JSON profile file')
    serve.add_argument('--log', help='append the request log (JSON lines) to this file')
    serve.add_argument('--access-key', action='append', type=_access_key, metavar='ID:SECRET',
                       help='accepted access key (repeatable; default %s:%s)' % next(iter(DEFAULT_ACCESS_KEYS.items())))
    reset = commands.add_parser('reset', help='clear a state file (the server using it must be stopped)')
    reset.add_argument('--state', required=True)
    return parser


def serve(args):
    try:
        emulator = Emulator(args.state, args.profile, args.log, dict(args.access_key) if args.access_key else None)
        emulator.store.claim()
    except (StateInUse, ValueError) as error:
        print('emulator: %s' % error, file=sys.stderr)
        return 2
    try:
        server = EmulatorHTTPServer(emulator, args.host, args.port)
    except OSError as error:
        print('emulator: cannot listen on %s:%d: %s' % (args.host, args.port, error), file=sys.stderr)
        emulator.close()
        return 2
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    print('emulator: serving http://%s:%d (profile %s, state %s)' % (
        args.host, server.server_address[1], emulator.faults.profile['name'], args.state or 'in memory'), flush=True)
    stop.wait()
    server.shutdown()
    server.server_close()
    emulator.close()
    return 0


def reset(args):
    store = Store(None)
    store.path = args.state
    try:
        store.claim()
    except StateInUse as error:
        print('emulator: %s; stop it or use POST /_emulator/reset' % error, file=sys.stderr)
        return 2
    try:
        store.reset()
    finally:
        store.release()
    print('emulator: %s reset' % args.state)
    return 0


def main(argv=None):
    args = _parser().parse_args(argv)
    return serve(args) if args.command == 'serve' else reset(args)


if __name__ == '__main__':
    sys.exit(main())
