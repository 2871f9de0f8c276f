"""The two pagination styles of the APIs.

* PageNumber/PageSize (ECS, VPC, Alidns, ESS): 1-based pages, the response echoes PageNumber, PageSize, TotalCount.
* NextToken/MaxResults (ALB, ListTagResources, newer ECS calls): an opaque token names the next item; the last page
  has an empty NextToken.
"""

import base64
import hashlib
import json

from emulator.core import errors


def by_page(params, items, default_size=10, max_size=50, number_name='PageNumber', size_name='PageSize'):
    """(items on the requested page, {PageNumber, PageSize, TotalCount})."""
    number = params.number(number_name, 1, minimum=1)
    size = params.number(size_name, default_size, minimum=1, maximum=max_size)
    start = (number - 1) * size
    return items[start:start + size], {number_name: number, size_name: size, 'TotalCount': len(items)}


def _fingerprint(query):
    return hashlib.sha256(json.dumps(query, sort_keys=True, default=str).encode('utf-8')).hexdigest()[:16]


def _encode(offset, query):
    raw = json.dumps({'o': offset, 'q': _fingerprint(query)}).encode('utf-8')
    return base64.urlsafe_b64encode(raw).decode('ascii').rstrip('=')


def _decode(token, query):
    try:
        raw = base64.urlsafe_b64decode(token + '=' * (-len(token) % 4))
        decoded = json.loads(raw)
        offset = int(decoded['o'])
    except (ValueError, KeyError, TypeError):
        raise errors.invalid('NextToken')
    if decoded.get('q') != _fingerprint(query) or offset < 0:
        raise errors.invalid('NextToken')  # a token from another query
    return offset


def by_token(params, items, query=None, default_max=50, max_max=100, token_name='NextToken',
             max_name='MaxResults'):
    """(items of this page, the NextToken of the next page or '', MaxResults used).

    ``query`` (e.g. the filter parameters) is bound into the token, so a token replayed with other filters fails.
    """
    query = query or {}
    maximum = params.number(max_name, default_max, minimum=1, maximum=max_max)
    token = params.text(token_name)
    start = _decode(token, query) if token else 0
    page = items[start:start + maximum]
    following = start + maximum
    return page, (_encode(following, query) if following < len(items) else ''), maximum
