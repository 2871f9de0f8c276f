"""The handler's view of the emulator: one region, the clock, the state, the active profile and helpers.

Resources are plain JSON dicts stored by kind (``'vpc.vswitch'``) and id. Keys starting with ``_`` are the
emulator's own bookkeeping and never reach a response:

* ``_region``: the region the resource lives in (every lookup through a Context is scoped to its region);
* ``_seq``: creation order (lists are returned oldest first);
* ``_created``: creation time (epoch seconds, emulated clock);
* ``_visible_at``: until then Describe/List calls do not show the resource (eventual consistency);
* ``_tags``: the resource's tags (see emulator.core.tags).
"""

import traceback

from emulator.core import ids, jobs, regions
from emulator.core.errors import ApiError
from emulator.core.registry import DEPENDENTS, EVENTS


class Context:
    def __init__(self, emulator, region_id, now=None, request_id=None, action=None):
        self.emulator = emulator
        self.store = emulator.store
        self.faults = emulator.faults
        self.region = region_id
        self.region_info = regions.region(region_id)
        self.now = emulator.now() if now is None else now
        self.request_id = request_id
        self.action = action

    @property
    def account(self):
        """{'OwnerId': int, 'ResourceGroupId': str} of the one emulated account."""
        return self.store.data['account']

    # Resources of this region.

    def add(self, kind, resource_id, resource, visible_now=False):
        """Store a new resource; unless ``visible_now`` it stays unlisted for the profile's consistency delay."""
        resource['_region'] = self.region
        resource['_seq'] = self.store.next_sequence()
        resource['_created'] = self.now
        resource['_visible_at'] = self.now + (0.0 if visible_now else self.faults.consistency(kind))
        self.store.kind(kind)[resource_id] = resource
        return resource

    def get(self, kind, resource_id):
        """The resource of this region with this id, or None (whether or not it is listed yet)."""
        resource = self.store.kind(kind).get(resource_id) if resource_id else None
        return resource if resource is not None and resource['_region'] == self.region else None

    def list(self, kind, predicate=None):
        """This region's resources of a kind, oldest first, including not-yet-listed ones."""
        found = [r for r in self.store.kind(kind).values()
                 if r['_region'] == self.region and (predicate is None or predicate(r))]
        return sorted(found, key=lambda r: r['_seq'])

    def listed(self, kind, predicate=None):
        """What a Describe/List call shows: like list() without the resources still invisible."""
        return [r for r in self.list(kind, predicate) if self.visible(r)]

    def visible(self, resource):
        return self.now >= resource.get('_visible_at', 0.0)

    def remove(self, kind, resource_id):
        return self.store.kind(kind).pop(resource_id, None)

    # Identifiers and time.

    def new_id(self, prefix, length=21, regional=True):
        """``prefix-`` + ``length`` lowercase letters and digits, the first three being the region's code unless
        ``regional`` is False (ALB ids, for instance, carry no region code)."""
        return ids.resource_id(prefix, self.region_info.id_code if regional else '', length)

    def iso(self, epoch=None):
        return ids.iso_time(self.now if epoch is None else epoch)

    def delay(self, key):
        return self.faults.delay(key)

    def quota(self, key, default):
        return self.faults.quota(key, default)

    # Asynchronous transitions.

    def schedule(self, delay, event, **args):
        """Run event ``event`` (a '<product>.<name>' registered with Product.event) ``delay`` seconds from now.

        A delay of zero or less runs it at once, inside the current request.
        """
        if event not in EVENTS:
            raise KeyError('event %s is not registered' % event)
        if delay <= 0:
            self.run_event(event, args)
            return
        self.store.data['events'].append({'at': self.now + delay, 'seq': self.store.next_sequence(),
                                          'region': self.region, 'event': event, 'args': args})

    def run_event(self, event, args):
        EVENTS[event](self, **args)

    def update_later(self, kind, resource_id, delay, **changes):
        """Set fields of a resource after ``delay`` seconds, e.g. ``Status='Available'``."""
        self.schedule(delay, 'core.update', kind=kind, resource_id=resource_id, changes=changes)

    def remove_later(self, kind, resource_id, delay):
        self.schedule(delay, 'core.remove', kind=kind, resource_id=resource_id)

    def start_job(self, api_name, resource_type, resource_id, delay, operate_type='', then=None, **then_args):
        """An asynchronous job id (see emulator.core.jobs)."""
        return jobs.start(self, api_name, resource_type, resource_id, delay, operate_type, then, **then_args)

    # Dependencies between products.

    def check_dependents(self, kind, resource):
        """Raise the first error a registered dependency check returns for deleting this resource."""
        for check in DEPENDENTS.get(kind, ()):
            error = check(self, resource)
            if error is not None:
                raise error


def _update(ctx, kind, resource_id, changes):
    resource = ctx.get(kind, resource_id)
    if resource is not None:
        resource.update(changes)


def _remove(ctx, kind, resource_id):
    ctx.remove(kind, resource_id)


def _finish_job(ctx, job_id, then=None, then_args=None):
    jobs.finish(ctx, job_id, then, then_args)


EVENTS.update({'core.update': _update, 'core.remove': _remove, 'core.finish_job': _finish_job})


def run_due_events(emulator):
    """Run every scheduled event whose time has come, in time order (events may schedule more events)."""
    ran = False
    while True:
        now = emulator.now()
        events = emulator.store.data['events']
        due = sorted((e for e in events if e['at'] <= now), key=lambda e: (e['at'], e['seq']))
        if not due:
            return ran
        event = due[0]
        events.remove(event)
        ctx = Context(emulator, event['region'], now=event['at'])
        try:
            ctx.run_event(event['event'], event['args'])
        except ApiError:
            pass  # an event refused by the state it found (the resource is gone): nothing to do
        except Exception:  # a bug in an event handler must not break the unrelated request that ran it
            traceback.print_exc()
        ran = True
