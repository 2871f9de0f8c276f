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
