"""Check a handler's response against the SDK response model before it leaves the emulator.

The SDK neither coerces types nor complains about unknown keys: a wrong shape surfaces in the client as a silently
missing field or a ``None`` body. Checking here turns an emulator bug into a visible InternalError instead.
"""


def _scalar_ok(value, scalar):
    if scalar == 'str':
        return isinstance(value, str)
    if scalar == 'int':
        return isinstance(value, int) and not isinstance(value, bool)
    if scalar == 'float':
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if scalar == 'bool':
        return isinstance(value, bool)
    return True


def problems(body, schema, path=''):
    """A list of human-readable mismatches between ``body`` and ``schema`` (empty when the body conforms)."""
    found = []
    if not isinstance(body, dict):
        return ['%s: expected an object' % (path or 'body')]
    for key, value in body.items():
        where = path + key
        field = schema.fields.get(key)
        if field is None:
            found.append('%s: not in the SDK model %s' % (where, schema.name))
            continue
        if value is None:
            continue
        if field.kind == 'scalar' and not _scalar_ok(value, field.scalar):
            found.append('%s: expected %s, got %r' % (where, field.scalar, value))
        elif field.kind == 'struct':
            found.extend(problems(value, field.schema, where + '.'))
        elif field.kind == 'map' and not isinstance(value, dict):
            found.append('%s: expected an object' % where)
        elif field.kind == 'list':
            if not isinstance(value, list):
                found.append('%s: expected a list' % where)
                continue
            for index, item in enumerate(value):
                item_path = '%s[%d]' % (where, index)
                if field.schema is not None:
                    found.extend(problems(item, field.schema, item_path + '.'))
                elif not _scalar_ok(item, field.scalar):
                    found.append('%s: expected %s, got %r' % (item_path, field.scalar, item))
    return found


EMPTY = {'str': '', 'int': 0, 'bool': False, 'float': 0.0}


def complete(schema, given, defaults=None):
    """``given`` with every field of ``schema`` it lacks appended: the default from ``defaults`` (by wire name),
    else the type's empty value (as the cloud answers for settings a resource does not use). Nested structs and
    list items are completed the same way, without defaults."""
    view = {}
    for name, value in given.items():
        field = schema.fields.get(name)
        view[name] = _completed(field, value) if field is not None and value is not None else value
    for name, field in schema.fields.items():
        if view.get(name) is None:
            value = (defaults or {}).get(name)
            view[name] = _completed(field, value) if field.kind != 'scalar' else (
                EMPTY.get(field.scalar, '') if value is None else value)
    return view


def _completed(field, value):
    if field.kind == 'struct':
        return complete(field.schema, value or {})
    if field.kind == 'list':
        return [complete(field.schema, item) for item in value or []] if field.schema else list(value or [])
    return value
