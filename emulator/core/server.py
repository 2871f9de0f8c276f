"""The emulator: one HTTP endpoint for every product, the API pipeline, and the admin endpoints.

API pipeline, in order (a failure at any step answers with the cloud's error and changes nothing):

1. read the query string and the form body;
2. route on (x-acs-version, x-acs-action), or (Version, Action) for signature version 1;
3. verify the signature against the configured access keys;
4. inject the profile's faults (throttling, transient 5xx), then its latency;
5. rebuild and type the parameters from the SDK request model (missing/invalid parameters are refused);
6. resolve the region: RegionId when the action has one, else the x-emulator-region header, else cn-hangzhou;
7. under the state lock: run due asynchronous events, replay a known ClientToken, run the handler on a snapshot
   (restored if the handler fails or the request is a DryRun), save the state file;
8. check the response against the SDK response model, add RequestId, answer 200 -- unless the profile's
   ``lost_response`` fault drops that answer of a write that was applied (connection closed, or held past the
   client's read timeout).
"""

import json
import socket
import sys
import time
import traceback
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

from emulator.core import errors, ids, profiles, regions, shapes, signing
from emulator.core.errors import ApiError
from emulator.core.params import parse
from emulator.core.registry import ACTIONS, PRODUCTS, versions
from emulator.core.requestlog import RequestLog
from emulator.core.runtime import Context, run_due_events
from emulator.core.store import Store

DEFAULT_ACCESS_KEYS = {'testAccessKeyId': 'testAccessKeySecret'}
REGION_HEADER = 'x-emulator-region'
ADMIN_PREFIX = '/_emulator'
LOOPBACK = ('127.', '::1', '::ffff:127.')


@dataclass
class Request:
    method: str
    path: str
    query: dict
    headers: dict  # lower-case names
    body: bytes = b''
    client: str = '127.0.0.1'
    form: dict = field(default_factory=dict)


@dataclass
class Response:
    status: int
    body: dict
    headers: dict = field(default_factory=dict)
    lost: object = None  # the lost_response fault: None, 'close' or ('hold', seconds)


def _form(request):
    if request.headers.get('content-type', '').startswith('application/x-www-form-urlencoded') and request.body:
        return dict(parse_qsl(request.body.decode('utf-8'), keep_blank_values=True))
    return {}


class Emulator:
    def __init__(self, state_path=None, profile='fast', log_path=None, access_keys=None, strict=True):
        from emulator.products import load_all
        load_all()
        self.store = Store(state_path)
        self.faults = profiles.Faults(profiles.resolve(profile))
        self.log = RequestLog(log_path)
        self.secrets = dict(access_keys or DEFAULT_ACCESS_KEYS)
        self.nonces = signing.NonceCache()
        self.strict = strict
        self.started = time.time()
        self.dataplane = None  # emulator.dataplane.DataPlane when serve --data-plane runs containers and proxies

    def now(self):
        """The emulated clock: wall clock plus the offset POST /_emulator/clock added."""
        return time.time() + self.store.data['clock_offset']

    def set_profile(self, spec):
        self.faults = profiles.Faults(profiles.resolve(spec))

    def close(self):
        if self.dataplane is not None:
            self.dataplane.close()
        with self.store.lock:
            self.store.save()
        self.store.release()
        self.log.close()

    def handle(self, request):
        if request.path.rstrip('/').startswith(ADMIN_PREFIX):
            return self.admin(request)
        return self.call_api(request)

    # The API.

    def call_api(self, request):
        started = time.monotonic()
        entry = {'request_id': ids.request_id(), 'product': None, 'version': None, 'action': None, 'region': None,
                 'signature': None, 'access_key_id': None, 'parameters': {}, 'ignored': [], 'mutating': False,
                 'fault': None, 'error_code': None}
        try:
            try:
                response = Response(200, self._api(request, entry))
                if entry['mutating']:
                    response.lost = self.faults.lost_response(entry['action'])
                    entry['fault'] = 'lost_response' if response.lost else None
            except ApiError:
                raise
            except Exception:  # an emulator bug or an unreadable request: answer as the cloud's 500
                traceback.print_exc()
                raise errors.internal_error()
        except ApiError as error:
            entry['error_code'] = error.code
            product = PRODUCTS.get(entry['product'])
            response = Response(error.status, {
                'Code': error.code, 'Message': error.message, 'RequestId': entry['request_id'],
                'HostId': product.endpoint if product else request.headers.get('host', ''),
                'Recommend': 'https://api.aliyun.com/troubleshoot?q=%s&product=%s&requestId=%s'
                             % (error.code, entry['product'] or '', entry['request_id']),
            }, error.headers)
        response.body['RequestId'] = entry['request_id']
        response.headers['x-acs-request-id'] = entry['request_id']
        entry['status'] = response.status
        entry['duration_ms'] = int((time.monotonic() - started) * 1000)
        self.log.record(entry)
        return response

    def _route(self, request, flat, entry):
        """(spec, signature style) for the request."""
        if 'authorization' in request.headers:
            style, action, version = 'v3', request.headers.get('x-acs-action'), request.headers.get('x-acs-version')
        elif 'Signature' in flat:
            style, action, version = 'v1', flat.get('Action'), flat.get('Version')
        else:
            raise ApiError('MissingAccessKeyId', 'AccessKeyId is mandatory for this action.')
        entry.update(signature=style, action=action, version=version)
        if not action or not version:
            raise ApiError('MissingParameter', 'The input parameter "%s" that is mandatory for processing this '
                                               'request is not supplied.' % ('Action' if not action else 'Version'))
        spec = ACTIONS.get((version, action))
        if spec is None:
            if version not in versions():
                raise ApiError('InvalidVersion', 'Specified parameter Version is not valid.')
            raise ApiError('InvalidAction.NotFound', 'Specified api is not found, please check your url and method.',
                           404)
        entry.update(product=spec.product.name, mutating=spec.mutating)
        return spec, style

    def _authenticate(self, request, flat, style):
        if style == 'v3':
            return signing.verify_v3(request.method, request.path, request.query, request.headers, request.body,
                                     self.secrets, self.nonces)
        return signing.verify_v1(request.method, flat, self.secrets, self.nonces)

    def _region(self, spec, params, request):
        region_id = params.text('RegionId') if spec.accepts('RegionId') else None
        region_id = region_id or request.headers.get(REGION_HEADER) or regions.DEFAULT_REGION
        regions.region(region_id)
        return region_id

    def _api(self, request, entry):
        flat = dict(request.query)
        flat.update(_form(request))
        spec, style = self._route(request, flat, entry)
        entry['access_key_id'] = self._authenticate(request, flat, style)
        business = dict((k, v) for k, v in flat.items() if style == 'v3' or k not in signing.V1_PARAMETERS)
        entry['parameters'] = business
        faults = self.faults
        fault = faults.fault_for(spec.name)
        if fault is not None:
            entry['fault'] = 'throttling' if fault.code.startswith('Throttling') else 'transient'
            raise fault
        latency = faults.latency(spec.name)
        if latency > 0:
            time.sleep(latency)
        params = parse(business, spec.request)
        entry['ignored'] = params.ignored
        region_id = self._region(spec, params, request)
        entry['region'] = region_id
        body = self._execute(spec, params, region_id, entry['request_id'])
        if self.strict and spec.response is not None:
            found = shapes.problems(body, spec.response)
            if found:
                entry['problems'] = found
                print('emulator: %s response does not match the SDK model: %s' % (spec.name, '; '.join(found)),
                      file=sys.stderr)
                raise errors.internal_error()
        return body

    def _execute(self, spec, params, region_id, request_id):
        store = self.store
        with store.lock:
            events_ran = run_due_events(self)
            ctx = Context(self, region_id, request_id=request_id, action=spec.name)
            token_key, fingerprint = self._token(spec, params, region_id)
            if token_key is not None:
                replay = self._replay(token_key, fingerprint)
                if replay is not None:
                    if events_ran:
                        store.save()
                    return replay
            dry_run = spec.accepts('DryRun') and params.flag('DryRun')
            snapshot = store.snapshot() if spec.mutating or dry_run else None
            try:
                body = spec.handler(ctx, params) or {}
            except ApiError:
                self._restore(snapshot, events_ran)
                raise
            except Exception:
                traceback.print_exc()
                self._restore(snapshot, events_ran)
                raise errors.internal_error()
            if dry_run:
                self._restore(snapshot, events_ran)
                raise errors.dry_run_passed()
            if token_key is not None:
                store.data['tokens'][token_key] = {'fingerprint': fingerprint, 'response': body}
            if spec.mutating or events_ran:
                store.save()
            return json.loads(json.dumps(body))

    def _restore(self, snapshot, events_ran):
        if snapshot is not None:
            self.store.restore(snapshot)
        if events_ran:
            self.store.save()

    def _token(self, spec, params, region_id):
        """(state key, parameter fingerprint) of a mutating call's ClientToken, or (None, None)."""
        replays = spec.mutating and spec.replays_client_token and spec.accepts('ClientToken')
        token = params.text('ClientToken') if replays else None
        if token is None:
            return None, None
        others = dict((k, v) for k, v in params.items() if k not in ('ClientToken', 'DryRun'))
        return '|'.join((region_id, spec.version, spec.name, token)), json.dumps(others, sort_keys=True)

    def _replay(self, token_key, fingerprint):
        record = self.store.data['tokens'].get(token_key)
        if record is None:
            return None
        if record['fingerprint'] != fingerprint:
            raise ApiError('IdempotentParameterMismatch',
                           'The request uses the same client token as a previous, but non-identical request.')
        return json.loads(json.dumps(record['response']))

    # The admin endpoints (unsigned, loopback only).

    def admin(self, request):
        if not request.client.startswith(LOOPBACK):
            return Response(403, {'error': 'the admin endpoints answer loopback clients only'})
        route = request.path[len(ADMIN_PREFIX):].strip('/')
        query = request.query
        try:
            payload = json.loads(request.body.decode('utf-8')) if request.body else {}
        except ValueError:
            return Response(400, {'error': 'the body is not JSON'})
        handler = getattr(self, '_admin_%s_%s' % (route or 'health', request.method.lower()), None)
        if handler is None:
            return Response(404, {'error': 'no admin endpoint %s %s' % (request.method, request.path)})
        try:
            return Response(200, handler(query, payload))
        except ValueError as error:
            return Response(400, {'error': str(error)})

    def _admin_health_get(self, query, payload):
        return {'status': 'ok', 'profile': self.faults.profile['name'], 'uptime': round(time.time() - self.started, 3),
                'products': dict((name, product.version) for name, product in sorted(PRODUCTS.items())),
                'state_file': self.store.path}

    def _admin_profile_get(self, query, payload):
        return self.faults.describe()

    def _admin_profile_put(self, query, payload):
        self.set_profile(payload.get('name') if set(payload) == {'name'} else payload)
        return self.faults.describe()

    _admin_profile_post = _admin_profile_put

    def _admin_counts_get(self, query, payload):
        return self.log.counts(int(query.get('since', 0)), query.get('product'))

    def _admin_marker_post(self, query, payload):
        return {'marker': self.log.marker()}

    _admin_marker_get = _admin_marker_post

    def _admin_log_get(self, query, payload):
        return {'entries': self.log.entries(int(query.get('since', 0)))}

    def _admin_reset_post(self, query, payload):
        self.store.reset()
        if self.dataplane is not None:
            self.dataplane.reset()
        return {'reset': True}

    def _admin_clock_get(self, query, payload):
        return {'now': self.now(), 'offset': self.store.data['clock_offset']}

    def _admin_clock_post(self, query, payload):
        advance = float(payload.get('advance', 0))
        if advance < 0:
            raise ValueError('the clock only moves forward')
        with self.store.lock:
            self.store.data['clock_offset'] += advance
            run_due_events(self)
            self.store.save()
        return self._admin_clock_get(query, payload)

    def _admin_actions_get(self, query, payload):
        return {'actions': [{'product': spec.product.name, 'version': version, 'action': action,
                             'mutating': spec.mutating} for (version, action), spec in sorted(ACTIONS.items())]}

    def _admin_dataplane_get(self, query, payload):
        return self.dataplane.describe() if self.dataplane is not None else {'enabled': False}

    def _admin_state_get(self, query, payload):
        with self.store.lock:
            run_due_events(self)
            return json.loads(json.dumps(self.store.data))


class _Handler(BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'
    server_version = 'AlibabaCloudEmulator/1.0'

    def setup(self):
        super().setup()
        # Headers and body leave in two writes; without this, Nagle's algorithm meets the client's delayed ACK
        # and every keep-alive response waits ~40 ms.
        self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def _serve(self):
        length = int(self.headers.get('Content-Length') or 0)
        body = self.rfile.read(length) if length else b''
        url = urlsplit(self.path)
        request = Request(self.command, url.path or '/', dict(parse_qsl(url.query, keep_blank_values=True)),
                          dict((k.lower(), v) for k, v in self.headers.items()), body, self.client_address[0])
        response = self.server.emulator.handle(request)
        if response.lost == 'close':
            self.close_connection = True  # the write stands; the client sees the connection end with no answer
            return
        if response.lost:
            time.sleep(response.lost[1])
        data = json.dumps(response.body).encode('utf-8')
        try:
            self.send_response(response.status)
            self.send_header('Content-Type', 'application/json;charset=utf-8')
            self.send_header('Content-Length', str(len(data)))
            for name, value in response.headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):  # a held answer whose client gave up waiting
            self.close_connection = True

    do_GET = do_POST = do_PUT = do_DELETE = _serve

    def log_message(self, format, *args):  # the request log records every call; keep stderr for problems
        pass


class EmulatorHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, emulator, host='127.0.0.1', port=0):
        self.emulator = emulator
        super().__init__((host, port), _Handler)
