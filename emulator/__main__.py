"""Command line: ``python -m emulator serve ...``, ``python -m emulator reset --state FILE`` and
``python -m emulator dataplane-clean [--all]``."""

import argparse
import os
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
    plane = serve.add_argument_group('data plane (off by default)')
    plane.add_argument('--data-plane', choices=('none', 'podman'),
                       default=os.environ.get('EMULATOR_DATA_PLANE', 'none'),
                       help='podman: ECS instances are podman test hosts, ALB listeners local reverse proxies '
                            '(default: $EMULATOR_DATA_PLANE, else none)')
    plane.add_argument('--standins', help='where the AMS stand-in is built (default .cache/standins/ams)')
    plane.add_argument('--image-map', action='append', default=[], metavar='IMAGE_ID=PODMAN_IMAGE',
                       help='podman image for an ImageId (* wildcards; @ams: the AMS marketplace image); repeatable')
    plane.add_argument('--listener-port-offset', type=int, default=18000,
                       help='an ALB listener on port P is served on 127.0.0.1:P+OFFSET (default 18000)')
    plane.add_argument('--listener-port', action='append', default=[], type=_port_pair, metavar='PORT=LOCAL',
                       help='serve the listeners of PORT on local port LOCAL instead; repeatable')
    reset = commands.add_parser('reset', help='clear a state file (the server using it must be stopped)')
    reset.add_argument('--state', required=True)
    clean = commands.add_parser('dataplane-clean', help='remove the containers and networks of data planes whose '
                                                        'emulator is no longer running')
    clean.add_argument('--all', action='store_true', help='also those of running emulators')
    return parser


def _port_pair(text):
    port, separator, local = text.partition('=')
    if not separator or not port.isdigit() or not local.isdigit():
        raise argparse.ArgumentTypeError('a listener port mapping is PORT=LOCAL_PORT')
    return int(port), int(local)


def _data_plane(emulator, args):
    from emulator.dataplane import DataPlane
    from emulator.dataplane.podman import PodmanError
    try:
        emulator.dataplane = DataPlane(emulator, args.image_map, args.listener_port_offset,
                                       dict(args.listener_port), standins=args.standins).start()
    except (PodmanError, ValueError, OSError) as error:
        raise ValueError('the podman data plane cannot start: %s' % error)


def serve(args):
    try:
        emulator = Emulator(args.state, args.profile, args.log, dict(args.access_key) if args.access_key else None)
        emulator.store.claim()
        if args.data_plane == 'podman':
            _data_plane(emulator, args)
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
    print('emulator: serving http://%s:%d (profile %s, state %s%s)' % (
        args.host, server.server_address[1], emulator.faults.profile['name'], args.state or 'in memory',
        ', podman data plane' if emulator.dataplane else ''), flush=True)
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


def dataplane_clean(args):
    from emulator.dataplane import network, podman
    removed = podman.clean(everything=args.all) + network.clean(everything=args.all)
    print('emulator: removed %s' % (' '.join(removed) if removed else 'nothing'))
    return 0


def main(argv=None):
    args = _parser().parse_args(argv)
    return {'serve': serve, 'reset': reset, 'dataplane-clean': dataplane_clean}[args.command](args)


if __name__ == '__main__':
    sys.exit(main())
