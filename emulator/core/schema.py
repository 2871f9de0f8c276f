"""Request and response shapes read from the official SDK models, so parameter checking is data-driven.

Every ``<Action>Request`` / ``<Action>ResponseBody`` class of an ``alibabacloud_*`` package declares its fields in
``__init__`` (name and type annotation, with the API documentation as comments) and maps them to wire names in
``to_map``. A :class:`Schema` holds, per wire name: the Python attribute, the kind (scalar, list, struct, map), the
scalar type, the nested schema and whether the documentation says "This parameter is required.".
"""

import functools
import inspect
import re
from dataclasses import dataclass, field
from typing import Dict, Optional

SCALARS = {'str': 'str', 'int': 'int', 'bool': 'bool', 'float': 'float', 'Any': 'any', 'BinaryIO': 'str'}
REQUIRED_MARK = 'This parameter is required.'
_ANNOTATION = re.compile(r'^(?:(List|Dict)\[)?(?:str, )?([\w.]+)\]?$')
_ASSIGNMENT = re.compile(r'^\s*self\.(\w+) = \w+\s*$')


@dataclass
class Field:
    attr: str
    wire: str
    kind: str            # 'scalar', 'list', 'struct' or 'map'
    scalar: str = 'str'  # for 'scalar', 'list' of scalars and 'map' values: str, int, bool, float, any
    schema: Optional['Schema'] = None  # for 'struct' and 'list' of structs
    required: bool = False


@dataclass
class Schema:
    name: str
    fields: Dict[str, Field] = field(default_factory=dict)  # wire name -> Field

    def __iter__(self):
        return iter(self.fields.values())


def _parse_annotation(annotation, models_module):
    """(kind, scalar, model class) for annotations such as 'int', 'List[str]', 'main_models.X', 'Dict[str, Any]'."""
    text = str(annotation).replace('typing.', '')
    match = _ANNOTATION.match(text)
    if not match:
        return 'scalar', 'any', None
    container, inner = match.groups()
    model = None
    scalar = SCALARS.get(inner, 'any')
    if inner.startswith('main_models.'):
        model = getattr(models_module, inner.split('.', 1)[1])
    if container == 'Dict':
        return 'map', scalar, None
    if container == 'List':
        return 'list', scalar, model
    if model is not None:
        return 'struct', scalar, model
    return 'scalar', scalar, None


def _required_attributes(cls):
    """Attributes whose documentation comment, right above their assignment in __init__, marks them required."""
    required = set()
    comment = []
    for line in inspect.getsource(cls.__init__).splitlines():
        stripped = line.strip()
        if stripped.startswith('#'):
            comment.append(stripped)
            continue
        assignment = _ASSIGNMENT.match(line)
        if assignment and any(REQUIRED_MARK in text for text in comment):
            required.add(assignment.group(1))
        comment = []
    return required


def _sample(kind, model):
    """A value for one attribute that makes to_map emit (and change) that attribute's wire key."""
    if kind == 'struct':
        return model()
    if kind == 'list':
        return [None] if model is not None else ['\x00']
    if kind == 'map':
        return {'\x00': '\x00'}
    return '\x00'


def _wire_names(cls, kinds):
    """attribute -> wire name, found by setting one attribute at a time and watching to_map's output change."""
    baseline = cls().to_map()
    names = {}
    for attr, (kind, _scalar, model) in kinds.items():
        instance = cls()
        setattr(instance, attr, _sample(kind, model))
        changed = [key for key, value in instance.to_map().items() if baseline.get(key, KeyError) != value]
        if len(changed) == 1:
            names[attr] = changed[0]
    return names


@functools.lru_cache(maxsize=None)
def schema_of(cls):
    """The Schema of an SDK model class (cached; nested models are resolved recursively)."""
    models_module = inspect.getmodule(cls).__name__.rsplit('.', 1)[0]
    models_module = __import__(models_module, fromlist=['_'])
    parameters = list(inspect.signature(cls.__init__).parameters.values())[1:]
    kinds = dict((p.name, _parse_annotation(p.annotation, models_module)) for p in parameters)
    required = _required_attributes(cls)
    schema = Schema(cls.__name__)
    for attr, wire in _wire_names(cls, kinds).items():
        kind, scalar, model = kinds[attr]
        nested = schema_of(model) if model is not None else None
        schema.fields[wire] = Field(attr, wire, kind, scalar, nested, attr in required)
    return schema


def request_schema(models_module, action):
    """The request schema for an action: the Shrink variant when the SDK has one (it is what goes on the wire)."""
    cls = getattr(models_module, action + 'ShrinkRequest', None) or getattr(models_module, action + 'Request', None)
    return schema_of(cls) if cls is not None else None


def response_schema(models_module, action):
    cls = getattr(models_module, action + 'ResponseBody', None)
    return schema_of(cls) if cls is not None else None
