"""Latency and fault profiles: how slow and how unreliable the emulated cloud is.

A profile is a JSON object; every key is optional and falls back to the profile named in ``base`` (``fast`` by
default)::

    {
      "name": "my-profile",
      "base": "fast",                 # built-in profile to start from: fast, realistic or faulty
      "speed": "fast",                # which declared delays to use: "fast" or "realistic"
      "seed": 7,                      # seed of the fault dice, for reproducible runs (null: random)
      "latency": {"default": 0.0, "actions": {"CreateVpc": 0.2}},        # seconds before each call is handled
      "delays": {"vpc.vpc_pending": 1.5},                                  # seconds of asynchronous transitions
      "throttling": {"rate": 0.3, "actions": [], "retry_after_ms": 0},    # fraction of calls refused
      "transient": {"rate": 0.1, "actions": [], "codes": ["ServiceUnavailable", "InternalError"]},
      "lost_response": {"rate": 0.2, "actions": ["ImportKeyPair"], "mode": "close", "hold_s": 15},
                                      # a write applied, its response lost (connection closed or held)
      "consistency": {"default": 0.0, "kinds": {"vpc.vpc": 2.0}},        # seconds a new resource stays unlisted
      "quotas": {"vpc.vpcs_per_region": 10}
    }

``actions`` lists restrict a fault to those action names (empty: every action); an object of action names gives each
its own rate instead (``{"CreateVpc": 1.0}``: that action always, others never).
"""

import copy
import json
import os
import random
import threading

from emulator.core import errors
from emulator.core.registry import DELAYS

BUILTIN = {
    'fast': {
        'name': 'fast', 'speed': 'fast', 'seed': None,
        'latency': {'default': 0.0, 'actions': {}},
        'delays': {},
        'throttling': {'rate': 0.0, 'actions': [], 'retry_after_ms': 0},
        'transient': {'rate': 0.0, 'actions': [], 'codes': ['ServiceUnavailable', 'InternalError']},
        'lost_response': {'rate': 0.0, 'actions': [], 'mode': 'close', 'hold_s': 15.0},
        'consistency': {'default': 0.0, 'kinds': {}},
        'quotas': {},
    },
    'realistic': {
        'name': 'realistic', 'speed': 'realistic',
        'latency': {'default': 0.05, 'actions': {}},
        'consistency': {'default': 1.0, 'kinds': {}},
    },
    'faulty': {
        'name': 'faulty', 'speed': 'fast', 'seed': 42,
        'throttling': {'rate': 0.3, 'actions': [], 'retry_after_ms': 0},
        'transient': {'rate': 0.1, 'actions': [], 'codes': ['ServiceUnavailable', 'InternalError']},
    },
}


# How a lost response looks to the client: the connection closes with no answer, or the answer comes only after
# hold_s seconds (past the client's read timeout, which then gives up).
LOST_RESPONSE_MODES = ('close', 'hold')


def _merge(base, override):
    merged = copy.deepcopy(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def resolve(spec):
    """A complete profile from a built-in name, a JSON file path, or a (partial) profile dict."""
    if isinstance(spec, str):
        if spec in BUILTIN:
            spec = {'base': spec, 'name': spec}
        elif os.path.exists(spec):
            with open(spec, encoding='utf-8') as handle:
                spec = json.load(handle)
        else:
            raise ValueError('unknown profile %r: use fast, realistic, faulty or a JSON file' % spec)
    if not isinstance(spec, dict):
        raise ValueError('a profile is a JSON object')
    base_name = spec.get('base', 'fast')
    if base_name not in BUILTIN:
        raise ValueError('unknown base profile %r' % base_name)
    profile = BUILTIN['fast']
    if base_name != 'fast':
        profile = _merge(profile, BUILTIN[base_name])
    profile = _merge(profile, dict((k, v) for k, v in spec.items() if k != 'base'))
    profile.setdefault('name', 'custom')
    if profile['speed'] not in ('fast', 'realistic'):
        raise ValueError('speed must be fast or realistic')
    if profile['lost_response']['mode'] not in LOST_RESPONSE_MODES:
        raise ValueError('lost_response.mode must be one of %s' % ', '.join(LOST_RESPONSE_MODES))
    return profile


class Faults:
    """The active profile and its dice. Thread-safe; replaced as a whole when the profile changes."""

    def __init__(self, profile):
        self.profile = profile
        self._random = random.Random(profile.get('seed'))
        self._lock = threading.Lock()

    def _roll(self, section, action):
        settings = self.profile[section]
        actions = settings.get('actions')
        if isinstance(actions, dict):
            rate = float(actions.get(action) or 0.0)
        elif actions and action not in actions:
            return False
        else:
            rate = float(settings.get('rate') or 0.0)
        if rate <= 0:
            return False
        with self._lock:
            return self._random.random() < rate

    def fault_for(self, action):
        """The ApiError a call of ``action`` fails with before doing anything, or None."""
        if self._roll('throttling', action):
            return errors.throttled(self.profile['throttling'].get('retry_after_ms'))
        if self._roll('transient', action):
            with self._lock:
                code = self._random.choice(self.profile['transient'].get('codes') or ['ServiceUnavailable'])
            return errors.internal_error() if code == 'InternalError' else errors.service_unavailable()
        return None

    def lost_response(self, action):
        """How the response to a write of ``action`` that was applied is lost: None (it is not), 'close' or
        ('hold', seconds)."""
        if not self._roll('lost_response', action):
            return None
        settings = self.profile['lost_response']
        return 'close' if settings['mode'] == 'close' else ('hold', float(settings.get('hold_s') or 0.0))

    def latency(self, action):
        latency = self.profile['latency']
        return float(latency.get('actions', {}).get(action, latency.get('default', 0.0)))

    def delay(self, key):
        """Seconds of the asynchronous transition ``key`` ('<product>.<name>', declared with Product.delay)."""
        if key in self.profile['delays']:
            return float(self.profile['delays'][key])
        declared = DELAYS.get(key)
        if declared is None:
            raise KeyError('delay %s is not declared by any product' % key)
        return declared.realistic if self.profile['speed'] == 'realistic' else declared.fast

    def consistency(self, kind):
        settings = self.profile['consistency']
        return float(settings.get('kinds', {}).get(kind, settings.get('default', 0.0)))

    def quota(self, key, default):
        return int(self.profile['quotas'].get(key, default))

    def describe(self):
        """The profile with every declared delay resolved, for GET /_emulator/profile."""
        described = copy.deepcopy(self.profile)
        described['delays'] = dict((key, self.delay(key)) for key in sorted(set(DELAYS) | set(self.profile['delays'])))
        return described
