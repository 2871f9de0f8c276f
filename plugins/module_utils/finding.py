# -*- coding: utf-8 -*-
# Copyright: lowlatency.alicloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Finding the one resource a module manages: by its id when given, else by its unique name within a scope.

Listing calls filter by name in ways that are not documented as exact (some match a prefix or a pattern, and an
empty filter is dropped, so every resource matches). The name of each item listed is therefore compared with the
name asked for, an empty name is refused before any call, and two resources of one name are an error, never a guess.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class FindError(ValueError):
    pass


class Kind(object):
    """How a module's resource is named: words for messages, its id and name options, and the keys of a listed item.

    ``id_option`` is None for resources known by name only (key pairs, certificates).
    """

    def __init__(self, singular, plural, id_option, id_key, name_key, name_option='name'):
        self.singular = singular
        self.plural = plural
        self.id_option = id_option
        self.id_key = id_key
        self.name_key = name_key
        self.name_option = name_option

    def empty_name(self):
        return ('%s must not be empty: an empty name would match all %s%s.'
                % (self.name_option, self.plural, '; give a name, or %s' % self.id_option if self.id_option else ''))

    def ambiguous(self, name, found, where=''):
        ids = ', '.join(str(item.get(self.id_key)) for item in found)
        choose = ('give %s to choose one' % self.id_option if self.id_option else 'delete all but one first')
        return '%d %s are named %r%s; %s: %s' % (len(found), self.plural, name, where, choose, ids)

    def gone(self, resource_id, region):
        """Why a missing resource given by id is not created: the new one would have another id, so every later
        run would create again, a twin per run."""
        return ('%s %s does not exist in %s; leave out %s to create one.'
                % (self.singular, resource_id, region, self.id_option))


def check_names(kind, params):
    """Raise FindError when the resource's name option is given but empty (or blank)."""
    name = params.get(kind.name_option)
    if name is not None and not name.strip():
        raise FindError(kind.empty_name())


def find_one(kind, resource_id, name, by_id, by_name, where=''):
    """The resource with ``resource_id`` (``by_id(id)`` -> item or None), else the one named ``name`` among
    ``by_name(name)`` (a list, possibly filtered loosely by the server); None when there is none.

    ``where`` ends the ambiguity message (' in VPC vpc-1'). Raises FindError for an empty name or two matches.
    """
    if resource_id:
        return by_id(resource_id)
    if name is None or not name.strip():
        raise FindError(kind.empty_name())
    found = [item for item in by_name(name) if item.get(kind.name_key) == name]
    if len(found) > 1:
        raise FindError(kind.ambiguous(name, found, where))
    return found[0] if found else None
