# -*- coding: utf-8 -*-
# Copyright: lowlatency.alicloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The only code that imports the Alibaba Cloud SDKs.

Modules speak in API terms: ``client.call('DescribeVpcs', {'RegionId': ..., 'VpcName': ...})`` with wire (PascalCase)
parameter names, and get the response body back as a plain dict with wire names.

Every call goes through the Tea OpenAPI core's generic ``call_api``: the same signed RPC request a product SDK sends
(each product client's methods end in that very call), without importing the product's client and models packages,
which cost a module process more than its whole API call (docs/benchmarks.md). The product packages stay the source
of truth: the unit tests check every action and parameter the collection sends against their models, and check
that the product SDK sends each of them exactly as this generic path does (POST, every parameter in the query).
On the real cloud the product's endpoint map is read from its installed client source (see product_endpoint).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ast
import importlib
import importlib.util
import os
import re

from ansible_collections.lowlatency.alicloud.plugins.module_utils.retries import call_with_retries
from ansible_collections.lowlatency.alicloud.plugins.module_utils.retries import classify
from ansible_collections.lowlatency.alicloud.plugins.module_utils.retries import is_read_action
from ansible_collections.lowlatency.alicloud.plugins.module_utils.transform import client_token

# product -> (API version, product SDK package, its PyPI distribution)
PRODUCTS = dict(
    vpc=('2016-04-28', 'alibabacloud_vpc20160428', 'alibabacloud-vpc20160428'),
    ecs=('2014-05-26', 'alibabacloud_ecs20140526', 'alibabacloud-ecs20140526'),
    ess=('2022-02-22', 'alibabacloud_ess20220222', 'alibabacloud-ess20220222'),
    alb=('2020-06-16', 'alibabacloud_alb20200616', 'alibabacloud-alb20200616'),
    cas=('2020-04-07', 'alibabacloud_cas20200407', 'alibabacloud-cas20200407'),
    alidns=('2015-01-09', 'alibabacloud_alidns20150109', 'alibabacloud-alidns20150109'),
)

# Header carrying the region to an emulator, for the many calls that have no RegionId parameter (the real cloud
# reads the region from the host name). Sent only when endpoint_url points somewhere other than aliyuncs.com.
EMULATOR_REGION_HEADER = 'x-emulator-region'

PROXY_VARIABLES = ('HTTP_PROXY', 'HTTPS_PROXY', 'http_proxy', 'https_proxy', 'ALL_PROXY', 'all_proxy')

CONNECT_TIMEOUT_MS = 5000
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


_ENDPOINT_MAP = re.compile(r"self\._endpoint_map = (\{[^}]*\})")


def product_endpoint(product, region):
    """The host a product's SDK client would call for ``region``: its endpoint map, else the regional rule.

    The map is read from the product package's client source rather than by importing it, which would import
    the product's whole models package as well (the unit tests compare the result with the product client's own).
    """
    package, distribution = PRODUCTS[product][1:]
    spec = importlib.util.find_spec(package)
    if spec is None:
        raise MissingSDK([distribution])
    with open(os.path.join(spec.submodule_search_locations[0], 'client.py')) as source:
        found = _ENDPOINT_MAP.search(source.read())
    endpoints = ast.literal_eval(found.group(1)) if found else {}
    return endpoints.get(region) or '%s.%s.aliyuncs.com' % (product, region)


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

    def __init__(self, product, settings, nonce, retry_timeout=None):
        core = _import('alibabacloud_tea_openapi.client', 'alibabacloud-tea-openapi')
        self._models = _import('alibabacloud_tea_openapi.utils_models', 'alibabacloud-tea-openapi')
        self._utils = _import('alibabacloud_tea_openapi.utils', 'alibabacloud-tea-openapi').Utils
        self._runtime = _import('darabonba.runtime', 'alibabacloud-tea-openapi').RuntimeOptions
        if settings['loopback']:
            # darabonba hands HTTP(S)_PROXY to requests explicitly, ignoring NO_PROXY, even for 127.0.0.1.
            for variable in PROXY_VARIABLES:
                os.environ.pop(variable, None)
        self.product = product
        self.region = settings['region']
        self._version = PRODUCTS[product][0]
        config = build_config(settings)
        if not settings['endpoint']:
            config.endpoint = product_endpoint(product, settings['region'])
        self._client = core.Client(config)
        self._nonce = nonce
        self._retry_timeout = settings['api_retry_timeout'] if retry_timeout is None else retry_timeout

    def request(self, action, params):
        """What the product SDK's method for ``action`` hands to call_api: every parameter in the query."""
        spec = self._models.Params(action=action, version=self._version, protocol='HTTPS', pathname='/',
                                   method='POST', auth_type='AK', style='RPC', req_body_type='formData',
                                   body_type='json')
        return spec, self._models.OpenApiRequest(query=self._utils.query(params))

    def call(self, action, params=None, retry_codes=(), idempotent=False):
        """Call ``action`` with wire-named ``params``; return the response body as a dict of wire names.

        ``idempotent=True`` adds a ClientToken, made once here and reused by every retry, so a create that
        is retried after a lost response never makes a twin. ``retry_codes`` adds action-specific codes
        (e.g. a dependency still being deleted) to the product's retryable ones.
        """
        params = dict((k, v) for k, v in (params or {}).items() if v is not None)
        if idempotent:
            params['ClientToken'] = client_token(action, params, self._nonce)
        spec, request = self.request(action, params)
        repeatable = idempotent or is_read_action(action)

        def classify_error(error):
            return classify(error, self.product, retry_codes, repeatable)

        def send():
            return self._client.call_api(spec, request, self._runtime())

        try:
            response = call_with_retries(send, classify_error, self._retry_timeout)
        except Exception as error:  # the SDK's exception classes differ by version; all carry code/data
            raise _as_api_error(action, error)
        body = response.get('body')
        if not isinstance(body, dict):
            raise ApiError(action, 'InvalidResponse', 'the response body is not a JSON object')
        return body

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
