# -*- coding: utf-8 -*-
# Copyright: lowlatency.alicloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Where credentials, region and endpoint come from: module options, then environment, then the SDK's chain."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from urllib.parse import urlparse

AUTH_ARGUMENT_SPEC = dict(
    access_key_id=dict(type='str', aliases=['access_key']),
    access_key_secret=dict(type='str', no_log=True, aliases=['secret_key']),
    security_token=dict(type='str', no_log=True),
    region=dict(type='str', aliases=['region_id']),
    endpoint_url=dict(type='str'),
    profile=dict(type='str'),
    api_retry_timeout=dict(type='int'),
)

DEFAULT_API_RETRY_TIMEOUT = 120

# Each option's environment variables, first match wins: the SDK's own names, then the older alicloud ones.
ENVIRONMENT = dict(
    access_key_id=('ALIBABA_CLOUD_ACCESS_KEY_ID', 'ALICLOUD_ACCESS_KEY'),
    access_key_secret=('ALIBABA_CLOUD_ACCESS_KEY_SECRET', 'ALICLOUD_SECRET_KEY'),
    security_token=('ALIBABA_CLOUD_SECURITY_TOKEN', 'ALICLOUD_SECURITY_TOKEN'),
    region=('ALIBABA_CLOUD_REGION_ID', 'ALICLOUD_REGION'),
    endpoint_url=('ALICLOUD_ENDPOINT_URL',),
    profile=('ALIBABA_CLOUD_PROFILE', 'ALICLOUD_PROFILE'),
    api_retry_timeout=('ALICLOUD_API_RETRY_TIMEOUT',),
)

LOOPBACK_HOSTS = ('localhost', '127.0.0.1', '::1')


class ConfigurationError(Exception):
    """The connection settings are incomplete or malformed; the message says what to set."""


def _first(name, params, environ):
    value = params.get(name)
    if value not in (None, ''):
        return value
    for variable in ENVIRONMENT[name]:
        if environ.get(variable):
            return environ[variable]
    return None


def _how_to_set(name):
    return 'the %s option or %s' % (name, ' / '.join(ENVIRONMENT[name]))


def _seconds(value):
    if value is None:
        return DEFAULT_API_RETRY_TIMEOUT
    try:
        seconds = int(value)
    except ValueError:
        seconds = -1
    if seconds < 0:
        raise ConfigurationError('api_retry_timeout must be a whole number of seconds, 0 or more (0: never retry), '
                                 'got %r; set %s.' % (value, _how_to_set('api_retry_timeout')))
    return seconds


def parse_endpoint_url(url):
    """'http://127.0.0.1:8765' -> ('127.0.0.1:8765', 'http', '127.0.0.1'). The SDK wants host[:port] only."""
    parsed = urlparse(url if '://' in url else 'https://' + url)
    if parsed.scheme not in ('http', 'https') or not parsed.hostname or parsed.path not in ('', '/') \
            or parsed.query or parsed.params:
        raise ConfigurationError(
            'endpoint_url must look like http(s)://host[:port] with no path, got %r' % url)
    return parsed.netloc, parsed.scheme, parsed.hostname


def resolve_connection(params, environ):
    """Return the settings every product client is built from, or raise ConfigurationError.

    Keys: access_key_id, access_key_secret, security_token (None when the SDK default chain should be used),
    region, profile, endpoint (host[:port] or None), protocol, emulated (an override that is not an
    Alibaba Cloud host), loopback, api_retry_timeout (seconds).
    """
    settings = dict((name, _first(name, params, environ)) for name in ENVIRONMENT)
    settings['api_retry_timeout'] = _seconds(settings['api_retry_timeout'])
    if bool(settings['access_key_id']) != bool(settings['access_key_secret']):
        missing = 'access_key_secret' if settings['access_key_id'] else 'access_key_id'
        raise ConfigurationError('Incomplete credentials: set %s too.' % _how_to_set(missing))
    if settings['security_token'] and not settings['access_key_id']:
        raise ConfigurationError('security_token needs an access key pair: set %s and %s.'
                                 % (_how_to_set('access_key_id'), _how_to_set('access_key_secret')))
    if not settings['region']:
        raise ConfigurationError('No region: set %s.' % _how_to_set('region'))

    settings.update(endpoint=None, protocol='https', emulated=False, loopback=False)
    url = settings.pop('endpoint_url')
    if url:
        endpoint, protocol, host = parse_endpoint_url(url)
        settings.update(endpoint=endpoint, protocol=protocol,
                        emulated=not host.endswith('.aliyuncs.com'),
                        loopback=host in LOOPBACK_HOSTS or host.startswith('127.'))
    return settings


def secrets_of(settings):
    """The values that must never appear in any output."""
    return [settings[name] for name in ('access_key_secret', 'security_token') if settings.get(name)]
