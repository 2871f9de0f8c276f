"""Resource tags, kept on a resource as ``resource['_tags'] = {key: value}`` in the order they were set.

Limits follow the tag documentation shared by ECS and VPC: at most 20 tags per resource; keys 1-128 characters,
values 0-128; neither may start with ``aliyun`` or ``acs:`` nor contain ``http://`` or ``https://``.
"""

from emulator.core.errors import ApiError

MAX_TAGS = 20
RESERVED_PREFIXES = ('aliyun', 'acs:')
FORBIDDEN_PARTS = ('http://', 'https://')


def _bad_text(text):
    return text.startswith(RESERVED_PREFIXES) or any(part in text for part in FORBIDDEN_PARTS) or len(text) > 128


def validate(pairs, key_name='Tag.N.Key'):
    """Refuse malformed tags as the cloud does; ``pairs`` is [(key, value)]."""
    if len(pairs) > MAX_TAGS:
        raise ApiError('InvalidTagCount', 'The specified tags are beyond the permitted range.')
    for key, value in pairs:
        if not key or _bad_text(key):
            raise ApiError('InvalidTagKey.Malformed', 'The specified %s is not valid.' % key_name)
        if value and _bad_text(value):
            raise ApiError('InvalidTagValue.Malformed', 'The specified %s is not valid.'
                           % key_name.replace('Key', 'Value'))


def of(resource):
    return resource.setdefault('_tags', {})


def set_tags(resource, pairs):
    """Add or overwrite tags; the resource may carry at most MAX_TAGS afterwards."""
    validate(pairs)
    tags = dict(of(resource))
    tags.update(pairs)
    if len(tags) > MAX_TAGS:
        raise ApiError('InvalidTagCount', 'The specified tags are beyond the permitted range.')
    resource['_tags'] = tags


def remove_tags(resource, keys=(), everything=False):
    resource['_tags'] = {} if everything else dict((k, v) for k, v in of(resource).items() if k not in set(keys))


def matches(resource, filters):
    """True when the resource carries every (key, value) of ``filters``; an empty value matches any value."""
    tags = of(resource)
    return all(key in tags and (not value or tags[key] == value) for key, value in filters)


def as_list(resource, key_name='Key', value_name='Value'):
    return [{key_name: key, value_name: value} for key, value in of(resource).items()]
