# -*- coding: utf-8 -*-
# Copyright: lowlatency.alicloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The only code that imports the Alibaba Cloud SDKs.

Each product's SDK is imported on first use, so a module pays only for the product it calls. Modules speak in
API terms: ``client.call('DescribeVpcs', {'RegionId': ..., 'VpcName': ...})`` with wire (PascalCase) parameter
names, and get the response body back as a plain dict with wire names.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import functools
import importlib
import os

from ansible_collections.lowlatency.alicloud.plugins.module_utils.retries import call_with_retries
from ansible_collections.lowlatency.alicloud.plugins.module_utils.retries import classify
from ansible_collections.lowlatency.alicloud.plugins.module_utils.retries import is_read_action
from ansible_collections.lowlatency.alicloud.plugins.module_utils.transform import client_token

# product -> (import package, PyPI distribution)
PRODUCTS = dict(
    vpc=('alibabacloud_vpc20160428', 'alibabacloud-vpc20160428'),
    ecs=('alibabacloud_ecs20140526', 'alibabacloud-ecs20140526'),
    ess=('alibabacloud_ess20220222', 'alibabacloud-ess20220222'),
    alb=('alibabacloud_alb20200616', 'alibabacloud-alb20200616'),
    cas=('alibabacloud_cas20200407', 'alibabacloud-cas20200407'),
    alidns=('alibabacloud_alidns20150109', 'alibabacloud-alidns20150109'),
)

# Header carrying the region to an emulator, for the many calls that have no RegionId parameter (the real cloud
# reads the region from the host name). Sent only when endpoint_url points somewhere other than aliyuncs.com.
EMULATOR_REGION_HEADER = 'x-emulator-region'

PROXY_VARIABLES = ('HTTP_PROXY', 'HTTPS_PROXY', 'http_proxy', 'https_proxy', 'ALL_PROXY', 'all_proxy')

DEFAULT_RETRY_TIMEOUT = 120
CONNECT_TIMEOUT_MS = 10000
READ_TIMEOUT_MS = 30000


class MissingSDK(Exception):
    def __init__(self, distributions):
        super(MissingSDK, self).__init__(
            'This module needs the Python package(s) %s on the host that runs it (usually the controller): '
            'pip install %s' % (', '.join(distributions), ' '.join(distributions)))


class ApiError(Exception):
    """An API call failed. ``code``/``request_id`` come from the cloud; ``message`` is its raw text."""

    def __init__(self, action, code, message, request_id=None, status=None):
        super(ApiError, self).__init__('%s failed: %s: %s' % (action, code, message))
        self.action = action
        self.code = code
        self.message = message
        self.request_id = request_id
        self.status = status


def _import(package, distribution):
    try:
        return importlib.import_module(package)
    except ImportError:
        raise MissingSDK([distribution])


@functools.lru_cache(maxsize=None)
def _product_modules(product):
    package, distribution = PRODUCTS[product]
    return _import(package + '.client', distribution), _import(package + '.models', distribution)


def _method_name(client_class, action):
    # SDK method names are snake_case with quirks (describe_vswitches, create_vswitch, list_asyn_jobs);
    # match the action against them with underscores and case ignored.
    wanted = action.lower()
    for name in dir(client_class):
        if name.replace('_', '') == wanted:
            return name
    raise ValueError('The SDK has no operation %s' % action)


def _credential_client(profile):
    credentials = _import('alibabacloud_credentials.client', 'alibabacloud-credentials')
    if profile:
        providers = _import('alibabacloud_credentials.provider', 'alibabacloud-credentials')
        return credentials.Client(provider=providers.CLIProfileCredentialsProvider(profile_name=profile))
    return credentials.Client()


def build_config(settings):
    """The SDK Config for these settings; every product client shares it."""
    models = _import('alibabacloud_tea_openapi.utils_models', 'alibabacloud-tea-openapi')
    options = dict(region_id=settings['region'], connect_timeout=CONNECT_TIMEOUT_MS, read_timeout=READ_TIMEOUT_MS,
                   user_agent='lowlatency.alicloud')
    if settings['access_key_id']:
        options.update(access_key_id=settings['access_key_id'], access_key_secret=settings['access_key_secret'],
                       security_token=settings['security_token'])
    else:
        # The Tea client has no implicit credential chain: hand it one (environment, profiles, ECS RAM role).
        options['credential'] = _credential_client(settings['profile'])
    if settings['endpoint']:
        options.update(endpoint=settings['endpoint'], protocol=settings['protocol'])
    if settings['emulated']:
        options['global_parameters'] = models.GlobalParameters(headers={EMULATOR_REGION_HEADER: settings['region']})
    return models.Config(**options)


def _as_api_error(action, error):
    """Turn whatever the SDK raised into an ApiError with the cloud's code and raw message."""
    inner = getattr(error, 'inner_exception', None)
    if inner is not None:  # network failure or a credential chain that found nothing
        code = 'CredentialsNotFound' if type(inner).__name__ == 'CredentialException' else 'ConnectionError'
        return ApiError(action, code, str(inner))
    data = getattr(error, 'data', None) or {}
    message = data.get('Message') or data.get('message') or getattr(error, 'message', None) or str(error)
    return ApiError(action, getattr(error, 'code', None) or type(error).__name__, message,
                    getattr(error, 'request_id', None), getattr(error, 'status_code', None))


class ApiClient(object):
    """One product's client with the collection's retry policy around every call."""

    def __init__(self, product, settings, nonce, retry_timeout=DEFAULT_RETRY_TIMEOUT):
        client_module, self._models = _product_modules(product)
        if settings['loopback']:
            # darabonba hands HTTP(S)_PROXY to requests explicitly, ignoring NO_PROXY, even for 127.0.0.1.
            for variable in PROXY_VARIABLES:
                os.environ.pop(variable, None)
        self.product = product
        self.region = settings['region']
        self._client = client_module.Client(build_config(settings))
        self._nonce = nonce
        self._retry_timeout = retry_timeout

    def call(self, action, params=None, retry_codes=(), idempotent=False):
        """Call ``action`` with wire-named ``params``; return the response body as a dict of wire names.

        ``idempotent=True`` adds a ClientToken, made once here and reused by every retry, so a create that
        is retried after a lost response never makes a twin. ``retry_codes`` adds action-specific codes
        (e.g. a dependency still being deleted) to the product's retryable ones.
        """
        params = dict((k, v) for k, v in (params or {}).items() if v is not None)
        if idempotent:
            params['ClientToken'] = client_token(action, params, self._nonce)
        request = getattr(self._models, action + 'Request')().from_map(params)
        method = getattr(self._client, _method_name(type(self._client), action))
        repeatable = idempotent or is_read_action(action)

        def classify_error(error):
            return classify(error, self.product, retry_codes, repeatable)

        try:
            response = call_with_retries(lambda: method(request), classify_error, self._retry_timeout)
        except Exception as error:  # the SDK's exception classes differ by version; all carry code/data
            raise _as_api_error(action, error)
        if response.body is None:  # the SDK swallows a body it cannot map and returns None
            raise ApiError(action, 'InvalidResponse', 'the response body did not match the SDK model')
        return response.body.to_map()

    def paginate(self, action, params, items, page_size=50):
        """Every item of a list/describe call over all pages (see collect_pages)."""
        return collect_pages(self.call, action, params, items, page_size)


def collect_pages(call, action, params, items, page_size=50):
    """Every item of a list/describe call, over all pages.

    ``items`` is the path to the list in the body, e.g. ('Vpcs', 'Vpc') or ('LoadBalancers',). Calls given a
    MaxResults follow NextToken; the others follow PageNumber until TotalCount items (or a short page) arrived.
    """
    params = dict(params or {})
    token_style = 'MaxResults' in params
    if not token_style:
        params.update(PageSize=params.get('PageSize', page_size), PageNumber=1)
    collected = []
    while True:
        body = call(action, params)
        page = body
        for key in items:
            page = (page or {}).get(key)
        page = page or []
        collected.extend(page)
        if token_style:
            if not body.get('NextToken'):
                return collected
            params['NextToken'] = body['NextToken']
            continue
        total = body.get('TotalCount')
        done = len(collected) >= int(total) if total is not None else len(page) < params['PageSize']
        if done or not page:
            return collected
        params['PageNumber'] += 1
