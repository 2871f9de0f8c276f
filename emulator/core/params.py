"""Turn the flat wire parameters (``Tag.1.Key=a``) back into typed values, guided by the SDK request schema.

The real gateway ignores parameters an API does not define; they are reported as ``ignored`` (and logged) instead.
"""

import json
import re

from emulator.core import errors

TRUE_WORDS = ('true',)
FALSE_WORDS = ('false',)
_INTEGER = re.compile(r'^[+-]?\d+$')


def _coerce(value, scalar, path):
    if scalar == 'int':
        if not _INTEGER.match(value.strip()):
            raise errors.invalid(path)
        return int(value)
    if scalar == 'float':
        try:
            return float(value)
        except ValueError:
            raise errors.invalid(path)
    if scalar == 'bool':
        word = value.strip().lower()  # the SDK sends Python's True/False; other clients send true/false
        if word in TRUE_WORDS or word in FALSE_WORDS:
            return word in TRUE_WORDS
        raise errors.invalid(path)
    return value


def _children(flat, prefix):
    """{'rest.of.key': value} for every flat key starting with ``prefix + '.'``."""
    start = prefix + '.'
    return dict((key[len(start):], value) for key, value in flat.items() if key.startswith(start))


def _indexed(children):
    """Group {'1.Key': a, '1.Value': b, '2': c} by their 1-based index: {1: {'Key': a, 'Value': b}, 2: {'': c}}."""
    groups = {}
    for key, value in children.items():
        index, _, rest = key.partition('.')
        if index.isdigit() and int(index) > 0:
            groups.setdefault(int(index), {})[rest] = value
    return dict(sorted(groups.items()))


def _missing(path, top_level):
    if top_level:
        return errors.missing(path)
    return errors.ApiError('MissingParameter',
                           'The input parameter "%s" that is mandatory for processing this request is not supplied.'
                           % path)


def rebuild(flat, schema, prefix='', top_level=True):
    """(values, consumed keys): typed values by wire name for ``flat`` (keys relative to ``prefix``)."""
    values = {}
    consumed = set()
    for field in schema:
        path = prefix + field.wire
        if field.kind == 'scalar':
            if field.wire in flat:
                consumed.add(field.wire)
                if flat[field.wire] != '' or not field.required:
                    values[field.wire] = _coerce(flat[field.wire], field.scalar, path)
        elif field.kind == 'map':
            children = _children(flat, field.wire)
            if children:
                values[field.wire] = dict((key, _coerce(value, field.scalar, path + '.' + key))
                                          for key, value in children.items())
                consumed.update(field.wire + '.' + key for key in children)
        elif field.kind == 'struct':
            children = _children(flat, field.wire)
            if children:
                nested, used = rebuild(children, field.schema, path + '.', False)
                values[field.wire] = nested
                consumed.update(field.wire + '.' + key for key in used)
        else:
            items = []
            for index, children in _indexed(_children(flat, field.wire)).items():
                item_path = '%s.%d' % (path, index)
                if field.schema is None:
                    if '' in children:
                        items.append(_coerce(children[''], field.scalar, item_path))
                        consumed.add('%s.%d' % (field.wire, index))
                    continue
                nested, used = rebuild(children, field.schema, item_path + '.', False)
                items.append(nested)
                consumed.update('%s.%d.%s' % (field.wire, index, key) for key in used)
            if items:
                values[field.wire] = items
        if field.required and field.wire not in values:
            raise _missing(path, top_level)
    return values, consumed


class Params(dict):
    """Typed request parameters by wire name, plus what the request carried that the API does not define."""

    def __init__(self, values=None, ignored=()):
        super().__init__(values or {})
        self.ignored = sorted(ignored)

    def text(self, name, default=None):
        """A string parameter; an empty string counts as absent."""
        value = self.get(name)
        return default if value is None or value == '' else value

    def flag(self, name, default=False):
        value = self.get(name)
        return default if value is None else bool(value)

    def number(self, name, default=None, minimum=None, maximum=None):
        """An integer parameter within [minimum, maximum] (else Invalid<Name>)."""
        value = self.get(name)
        if value is None:
            return default
        if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
            raise errors.invalid(name)
        return value

    def list_of(self, name):
        return list(self.get(name) or [])

    def comma_list(self, name):
        """A parameter documented as "separate several values with commas"."""
        return [part.strip() for part in (self.text(name) or '').split(',') if part.strip()]

    def json_list(self, name):
        """A str-typed parameter that carries a JSON array (ECS InstanceIds, ESS LoadBalancerIds, ...)."""
        raw = self.text(name)
        if raw is None:
            return None
        try:
            value = json.loads(raw)
        except ValueError:
            raise errors.invalid(name)
        if not isinstance(value, list):
            raise errors.invalid(name)
        return value

    def tags(self, name='Tag', key='Key', value='Value'):
        """[(key, value)] from a Tag.N.Key / Tag.N.Value list (value '' when absent)."""
        return [(item.get(key), item.get(value) or '') for item in self.list_of(name)]


def parse(flat, schema):
    """Params for the flat wire parameters of one request (signature parameters already removed)."""
    values, consumed = rebuild(flat, schema)
    return Params(values, [key for key in flat if key not in consumed])
