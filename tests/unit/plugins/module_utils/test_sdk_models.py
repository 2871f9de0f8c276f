# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The product SDK packages are the reference for what the collection sends through the generic call_api.

Every API call written in plugins/ (found in the source: ``x.call('Action', {...})``, ``paginate``,
``collect_pages``, ``delete_unless_in_use``, and every action name kept in a constant) must be an operation of the
product's SDK client, every parameter name written at the call must be a field of the product's request model, and
the product's own method must send that action exactly as sdk.ApiClient does: one POST RPC request of the
product's API version, every parameter in the query.
"""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ast
import importlib
import inspect
import os
import re

import pytest

from ansible_collections.lowlatency.alicloud.plugins.module_utils import sdk
from ansible_collections.lowlatency.alicloud.plugins.module_utils.connection import resolve_connection

PLUGINS = os.path.join(os.path.dirname(__file__), '..', '..', '..', '..', 'plugins')
ACTION_NAME = re.compile(r'^(Add|Associate|Attach|Authorize|Create|Delete|Describe|Detach|Disable|Dissociate|Enable|'
                         r'Get|Import|List|Modify|Remove|Revoke|Run|Start|Stop|Tag|Untag|Update|Upload)[A-Z]\w+$')
# (callee name, index of the action argument); the parameters follow the action.
CALLS = {'call': 0, 'paginate': 0, 'collect_pages': 1, 'delete_unless_in_use': 1}


def _client_class(product):
    return importlib.import_module(sdk.PRODUCTS[product][1] + '.client').Client


def _models(product):
    return importlib.import_module(sdk.PRODUCTS[product][1] + '.models')


def _method(product, action):
    # SDK method names are snake_case with quirks (describe_vswitches, list_asyn_jobs).
    names = [name for name in dir(_client_class(product)) if name.replace('_', '') == action.lower()]
    return names[0] if names else None


def _product_of(node, products_by_name):
    """The product of the client an API call is made on, when the source says: x.client('vpc'), ApiClient('ecs')."""
    if isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
        callee = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, 'id', None)
        if callee in ('client', 'ApiClient') and node.args[0].value in sdk.PRODUCTS:
            return {node.args[0].value}
    if isinstance(node, ast.Name):
        return products_by_name.get(node.id)
    return None


def _parameter_names(node, params_by_name=None):
    if isinstance(node, ast.Name):
        return sorted((params_by_name or {}).get(node.id, ()))
    if isinstance(node, ast.Dict):
        return [key.value for key in node.keys if isinstance(key, ast.Constant)]
    if isinstance(node, ast.Call) and getattr(node.func, 'id', None) == 'dict':
        return [keyword.arg for keyword in node.keywords if keyword.arg]
    return []


def _parameters_by_name(function):
    """Keys given to each dict variable of a function: ``query = {...}``, ``query['Key'] = ...``."""
    found = {}
    for node in ast.walk(function):
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
            if isinstance(target, ast.Name):
                found.setdefault(target.id, set()).update(_parameter_names(node.value))
            elif isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name) \
                    and isinstance(target.slice, ast.Constant) and isinstance(target.slice.value, str):
                found.setdefault(target.value.id, set()).add(target.slice.value)
    return found


def _scan():
    """(calls, constants): calls as (file, line, products or None, action, parameter names); action-like constants."""
    calls, constants = [], set()
    for folder in ('modules', 'module_utils', 'inventory'):
        for name in sorted(os.listdir(os.path.join(PLUGINS, folder))):
            if not name.endswith('.py'):
                continue
            path = os.path.join(PLUGINS, folder, name)
            with open(path) as source:
                tree = ast.parse(source.read())
            products_by_name = {}
            for node in ast.walk(tree):
                if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                    products = _product_of(node.value, {})
                    if products:
                        products_by_name.setdefault(node.targets[0].id, set()).update(products)
                if isinstance(node, ast.Constant) and isinstance(node.value, str) and ACTION_NAME.match(node.value):
                    constants.add(node.value)
            for function in ast.walk(tree):
                if not isinstance(function, (ast.FunctionDef, ast.Lambda)):
                    continue
                params_by_name = _parameters_by_name(function)
                for node in ast.walk(function):
                    if not isinstance(node, ast.Call):
                        continue
                    callee = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, 'id', None)
                    where = CALLS.get(callee)
                    if where is None or len(node.args) <= where or not isinstance(node.args[where], ast.Constant):
                        continue
                    receiver = node.func.value if where == 0 else node.args[0]
                    params = node.args[where + 1] if len(node.args) > where + 1 else None
                    calls.append(('%s/%s:%d' % (folder, name, node.lineno), _product_of(receiver, products_by_name),
                                  node.args[where].value, _parameter_names(params, params_by_name)))
    # A call inside a nested function is seen from each enclosing one: keep one record per place.
    return sorted(set((where, frozenset(products or ()), action, tuple(params))
                      for where, products, action, params in calls)), constants


CALLS_FOUND, CONSTANTS_FOUND = _scan()


def _products_with(action):
    return [product for product in sorted(sdk.PRODUCTS) if _method(product, action)]


def test_the_scan_finds_the_collections_calls():
    # A guard for the scan itself: these calls are known to be written with literal parameters.
    vswitch_reads = [params for where, products, action, params in CALLS_FOUND
                     if action == 'DescribeVSwitches' and products == frozenset(['vpc'])]
    assert any('VSwitchId' in params for params in vswitch_reads)
    assert len(CALLS_FOUND) > 80 and {'AuthorizeSecurityGroup', 'UntagResources'} <= set(ACTIONS)


@pytest.mark.parametrize('where, products, action, params', CALLS_FOUND,
                         ids=['%s %s' % (call[0], call[2]) for call in CALLS_FOUND])
def test_every_call_is_an_sdk_operation_with_sdk_parameters(where, products, action, params):
    candidates = sorted(products) if products else _products_with(action)
    assert candidates, '%s: no product SDK has %s' % (where, action)
    for product in candidates:
        assert _method(product, action), '%s: %s is not an operation of the %s SDK' % (where, action, product)
    fields = set()
    for product in candidates:
        source = inspect.getsource(getattr(_models(product), action + 'Request').from_map)
        fields.update(re.findall(r"m\.get\('(\w+)'\)", source))
    unknown = sorted(set(params) - fields)
    assert not unknown, '%s: %s has no parameter %s in the SDK model' % (where, action, ', '.join(unknown))


# Constants that name an operation (others, like DeleteProtection, are parameters or states) are the actions
# called through a variable: security_group's rule actions, tagging's, alb_listener's updates.
ACTIONS = sorted(set(call[2] for call in CALLS_FOUND) | set(name for name in CONSTANTS_FOUND if _products_with(name)))


@pytest.mark.parametrize('action', ACTIONS)
def test_the_product_sdk_sends_each_action_as_the_generic_call_does(action):
    products = _products_with(action)
    assert products, 'no product SDK has the operation %s' % action
    for product in products:
        source = inspect.getsource(getattr(_client_class(product), _method(product, action) + '_with_options'))
        assert "version = '%s'" % sdk.PRODUCTS[product][0] in source
        for setting in ("method = 'POST'", "style = 'RPC'", "pathname = '/'", "req_body_type = 'formData'",
                        "body_type = 'json'", 'query = Utils.query(query)'):
            assert setting in source, '%s %s: the SDK differs from the generic call: %s' % (product, action, setting)
        # Nothing in the body, no extra header, and no parameter the collection sends serialised to JSON (the SDK
        # does that to some it never gets from us, such as CreateNatGateway's AccessMode).
        for difference in ("body['", 'headers = '):
            assert difference not in source, '%s %s: the SDK sends %s' % (product, action, difference)
        as_json = set(re.findall(r"with_specified_style\([^,]+, '(\w+)', 'json'\)", source))
        sent = set(name for call in CALLS_FOUND if call[2] == action for name in call[3])
        assert not as_json & sent, '%s %s: the SDK sends %s as JSON' % (product, action, sorted(as_json & sent))
        assert source.count('specified_style') == len(as_json), '%s %s: a parameter style this test does not know' % (
            product, action)


def test_nested_parameters_reach_the_query_as_the_product_sdk_flattens_its_models(monkeypatch):
    settings = resolve_connection({'region': 'cn-hangzhou', 'access_key_id': 'a', 'access_key_secret': 'b',
                                   'endpoint_url': 'http://127.0.0.1:8765'}, {})
    params = {'RegionId': 'cn-hangzhou', 'SecurityGroupId': 'sg-1', 'ClientToken': 't',
              'Permissions': [{'IpProtocol': 'TCP', 'PortRange': '22/22', 'SourceCidrIp': '10.0.0.0/8',
                               'Policy': 'accept', 'Priority': '1', 'Description': 'ssh'}]}
    sent = []
    product = _client_class('ecs')(sdk.build_config(settings))
    monkeypatch.setattr(product, 'call_api', lambda spec, request, runtime: sent.append((spec, request)) or {})
    models = _models('ecs')
    product.authorize_security_group(models.AuthorizeSecurityGroupRequest().from_map(params))
    spec, request = sdk.ApiClient('ecs', settings, 'n').request('AuthorizeSecurityGroup', params)
    assert sent[0][1].query == request.query and 'Permissions.1.PortRange' in request.query
    assert (sent[0][0].action, sent[0][0].version) == (spec.action, spec.version)


def _regions(product):
    client = _client_class(product)
    source = inspect.getsource(client.__init__)
    return sorted(set(re.findall(r"'([a-z0-9-]+)': '", source)) | {'eu-central-1', 'cn-hangzhou', 'us-west-1'})


@pytest.mark.parametrize('product', sorted(sdk.PRODUCTS))
def test_the_real_cloud_endpoint_is_the_product_clients_own(product):
    config_module = importlib.import_module('alibabacloud_tea_openapi.utils_models')
    for region in _regions(product):
        config = config_module.Config(region_id=region, access_key_id='a', access_key_secret='b')
        assert sdk.product_endpoint(product, region) == _client_class(product)(config)._endpoint, region
