"""What product modules register: actions, asynchronous events, delays and dependency checks.

A product module creates one :class:`Product` and decorates its handlers::

    vpc = Product('vpc', '2016-04-28', 'alibabacloud_vpc20160428', endpoint='vpc.aliyuncs.com')
    vpc.delay('vpc_pending', fast=0.0, realistic=3.0)

    @vpc.action('CreateVpc')
    def create_vpc(ctx, params):
        ...
        return {'VpcId': vpc_id}

Requests are routed on (version, action); the request and response shapes come from the product's SDK models.
"""

import importlib
from dataclasses import dataclass
from typing import Callable, Optional

from emulator.core.schema import Schema, request_schema, response_schema

# An action is read-only when its name starts with one of these verbs; every other action is mutating.
READ_PREFIXES = ('Describe', 'List', 'Get', 'Query', 'Check', 'Search', 'Preview', 'Estimate')

ACTIONS = {}     # (version, action) -> ActionSpec
PRODUCTS = {}    # product name -> Product
EVENTS = {}      # '<product>.<event>' -> handler(ctx, **args)
DELAYS = {}      # '<product>.<delay>' -> Delay
DEPENDENTS = {}  # resource kind -> [check(ctx, resource) -> ApiError or None]


def is_mutating(action):
    return not action.startswith(READ_PREFIXES)


@dataclass(frozen=True)
class Delay:
    """Seconds an asynchronous transition takes under the fast and the realistic profiles."""
    fast: float
    realistic: float


@dataclass
class ActionSpec:
    product: 'Product'
    version: str
    name: str
    handler: Callable
    request: Schema
    response: Optional[Schema]
    mutating: bool
    replays_client_token: bool = True

    def accepts(self, wire_name):
        return wire_name in self.request.fields


class Product:
    def __init__(self, name, version, sdk, endpoint=None):
        """``sdk`` is the SDK package (e.g. 'alibabacloud_vpc20160428'); its models give the wire shapes."""
        if name in PRODUCTS:
            raise ValueError('product %s is registered twice' % name)
        self.name = name
        self.version = version
        self.models = importlib.import_module(sdk + '.models')
        self.endpoint = endpoint or '%s.aliyuncs.com' % name
        PRODUCTS[name] = self

    def action(self, name, mutating=None, replays_client_token=True):
        """Register the handler of an action. ``mutating`` overrides the rule read from the action's name.

        ``replays_client_token=False`` is for the few APIs whose ClientToken does not make a retry return the first
        answer (CAS UploadUserCertificate answers NameRepeat to a repeated token): the handler then sees every call.
        """
        def register(handler):
            request = request_schema(self.models, name)
            if request is None:
                raise ValueError('the %s SDK has no %sRequest model' % (self.name, name))
            key = (self.version, name)
            if key in ACTIONS:
                raise ValueError('action %s %s is registered twice' % key)
            ACTIONS[key] = ActionSpec(self, self.version, name, handler, request, response_schema(self.models, name),
                                      is_mutating(name) if mutating is None else mutating, replays_client_token)
            return handler
        return register

    def event(self, name):
        """Register the handler of a scheduled event, run later by ``ctx.schedule(delay, '<product>.<name>')``."""
        def register(handler):
            EVENTS['%s.%s' % (self.name, name)] = handler
            return handler
        return register

    def delay(self, name, fast, realistic):
        """Declare an asynchronous delay, read by handlers with ``ctx.delay('<product>.<name>')``."""
        DELAYS['%s.%s' % (self.name, name)] = Delay(fast, realistic)


def dependent(kind):
    """Register a check run before a resource of ``kind`` is deleted; it returns an ApiError to refuse, else None.

    Example (ECS): ``@dependent('vpc.vswitch')`` refuses to delete a vSwitch that still holds instances.
    """
    def register(check):
        DEPENDENTS.setdefault(kind, []).append(check)
        return check
    return register


def versions():
    return set(version for version, _ in ACTIONS)
