#!/usr/bin/env python
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Turn the figures tests/bench/run.sh left in a folder into a table (stdout) and docs/benchmarks.md.

usage: report.py FIGURES_FOLDER OUTPUT_MARKDOWN
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime
import glob
import json
import os
import platform
import statistics
import subprocess
import sys

TASKS = 20
# Store kinds that are the emulator's bookkeeping or given by the region, not resources the playbooks manage.
UNMANAGED = ('core.', 'ess.scaling_activity', 'ecs.public_ip', 'alidns.seeded', 'alidns.domain')

PEER_NOTES = """\
The peer is alibaba's own Ansible modules over footmark, as PyPI has them: `ansible-alicloud` 1.20.0, the
predecessor of the alibaba.alicloud collection, which is on neither Galaxy nor PyPI (nor in the `ansible` package),
with footmark 1.26.0 and the same ansible-core as ours, in a venv of its own. It reaches the emulator through
`tests/bench/peer/sitecustomize.py`, which replaces footmark's endpoint resolution in the module processes and
changes nothing else. The work (tests/bench/peer/) is a VPC, two vSwitches and a security group with one rule. The
instance of the issue's comparison is left out: the peer's `ali_instance` fails against the emulator with
"maximum recursion depth exceeded", in a loop of footmark's `Instance.__setattr__` / `__getattr__` / `__repr__`
(footmark/ecs/instance.py) while it reads the emulator's DescribeInstances answer; whether the emulator's answer or
footmark is at fault was not settled, and no figure is given for instances.
"""


def load(path):
    with open(path) as handle:
        return json.load(handle)


def machine():
    cpu = platform.processor() or platform.machine()
    try:
        with open('/proc/cpuinfo') as handle:
            cpu = next(line.split(':', 1)[1].strip() for line in handle if line.startswith('model name'))
    except (OSError, StopIteration):
        pass
    ansible = subprocess.run(['ansible', '--version'], capture_output=True, text=True, check=False).stdout.split('\n')[0]
    return '%s, %d cores, Python %s, %s' % (cpu, os.cpu_count(), platform.python_version(), ansible.strip())


def per_task(folder):
    """Median over rounds of each command's CPU (user + system) and wall seconds, and the per-task figures."""
    rounds = []
    for path in sorted(glob.glob(os.path.join(folder, 'task-*.json'))):
        results = dict((r['command'], r) for r in load(path)['results'])
        cpu = dict((name, r['user'] + r['system']) for name, r in results.items())
        wall = dict((name, r['median']) for name, r in results.items())
        task_cpu = dict((name, (cpu[name] - cpu['empty']) / TASKS) for name in ('ping', 'zone_info'))
        task_wall = dict((name, (wall[name] - wall['empty']) / TASKS) for name in ('ping', 'zone_info'))
        rounds.append((task_cpu, task_wall, task_cpu['zone_info'] / task_cpu['ping'],
                       cpu['zone_info'] / cpu['ping']))
    median = statistics.median
    return dict(rounds=len(rounds),
                ping_cpu=median(r[0]['ping'] for r in rounds), zone_cpu=median(r[0]['zone_info'] for r in rounds),
                ping_wall=median(r[1]['ping'] for r in rounds), zone_wall=median(r[1]['zone_info'] for r in rounds),
                ratio=median(r[2] for r in rounds), playbook_ratio=median(r[3] for r in rounds))


def noop(folder, label, unrelated=0):
    timings = dict((r['command'], r['median']) for r in load(os.path.join(folder, 'noop-%s.json' % label))['results'])
    calls = load(os.path.join(folder, 'calls-%s.json' % label))
    resources = sum(count for kind, count in load(os.path.join(folder, 'resources-%s.json' % label)).items()
                    if not kind.startswith(UNMANAGED)) - unrelated
    return dict(infra=timings['infra'], cluster=timings['cluster'], wall=timings['infra'] + timings['cluster'],
                calls=calls['total'], mutating=calls['mutating'], resources=resources,
                per_resource=calls['total'] / float(resources), actions=calls['actions'])


def peer(folder):
    """The peer comparison's section, or None when make bench ran without the peer."""
    if not os.path.exists(os.path.join(folder, 'peer-noop.json')):
        return None
    runs = dict((name, dict((r['command'], r) for r in load(os.path.join(folder, 'peer-%s.json' % name))['results']))
                for name in ('first', 'noop'))
    calls = dict((side, load(os.path.join(folder, 'peer-calls-%s.json' % side))['total']) for side in ('ours', 'peer'))
    rows = []
    for side, text in (('ours', 'lowlatency.alicloud'), ('peer', 'alibaba modules + footmark')):
        first, noop_run = runs['first'][side], runs['noop'][side]
        rows.append([text, '%.1f' % first['median'], '%.1f' % noop_run['median'],
                     '%.1f' % (noop_run['user'] + noop_run['system']), calls[side]])
    ratio = dict((name, runs[name]['ours']['median'] / runs[name]['peer']['median']) for name in ('first', 'noop'))
    return '\n'.join([
        '## Side by side with the peer',
        '',
        table(['collection', 'first run s', 'no-op run s', 'no-op CPU s', 'no-op API calls'], rows),
        '',
        'Ours takes %.2fx the peer\'s wall time on the first run and %.2fx on the no-op run.'
        % (ratio['first'], ratio['noop']),
        '',
        PEER_NOTES,
    ])


def runs_of(folder):
    """How many timed runs the hyperfine figures are medians of: (fewest, most)."""
    counts = []
    for path in glob.glob(os.path.join(folder, '*.json')):
        data = load(path)
        if isinstance(data, dict) and 'results' in data:
            counts.extend(len(r['times']) for r in data['results'])
    return min(counts), max(counts)


def table(headers, rows):
    lines = ['| ' + ' | '.join(headers) + ' |', '|' + '---|' * len(headers)]
    lines.extend('| ' + ' | '.join(str(cell) for cell in row) + ' |' for row in rows)
    return '\n'.join(lines)


def main(folder, target):
    tasks = per_task(folder)
    first = load(os.path.join(folder, 'first-deploy.json'))['seconds']
    labels = [('default', 'default sizes (origin 1, edge 2)'), ('edge-2', 'edge group of 2'),
              ('edge-10', 'edge group of 10'), ('edge-30', 'edge group of 30'),
              ('unrelated-50', 'default sizes, 50 unrelated resources (a VPC, 49 security groups)')]
    noops = [(text, noop(folder, label, 50 if label == 'unrelated-50' else 0)) for label, text in labels]
    default = noops[0][1]
    sections = [
        '# Benchmarks',
        '',
        'Written by `make bench` (tests/bench/run.sh, tests/bench/report.py) on %s UTC; machine: %s. '
        'Timings by hyperfine; the emulator runs the `fast` profile without a data plane. Each time is the median of '
        '%d to %d run(s) (BENCH_RUNS); the machine is shared, so compare ratios more than absolute times.'
        % ((datetime.datetime.utcnow().strftime('%Y-%m-%d %H:%M'), machine()) + runs_of(folder)),
        '',
        '## Per task',
        '',
        'Playbooks of %d tasks on localhost, and an empty play, alternated in %d rounds; a task\'s cost is '
        '(playbook - empty play) / %d. CPU is user + system of ansible-playbook and every process it started.'
        % (TASKS, tasks['rounds'], TASKS),
        '',
        table(['task', 'CPU s per task', 'wall s per task', 'CPU vs ping'], [
            ['ansible.builtin.ping', '%.3f' % tasks['ping_cpu'], '%.3f' % tasks['ping_wall'], '1.00x'],
            ['lowlatency.alicloud.zone_info', '%.3f' % tasks['zone_cpu'], '%.3f' % tasks['zone_wall'],
             '%.2fx' % tasks['ratio']],
        ]),
        '',
        'Whole playbooks, startup included: the zone_info playbook costs %.2fx the CPU of the ping playbook.'
        % tasks['playbook_ratio'],
        '',
        '## Deployment (infra.yml + cluster.yml) against the emulator',
        '',
        'First run (everything created): %.1f s. A no-op run makes %d API calls (%d mutating) for %d managed '
        'resources: %.2f calls per resource. Calls of a no-op run: %s.'
        % (first, default['calls'], default['mutating'], default['resources'], default['per_resource'],
           ', '.join('%s %d' % item for item in sorted(default['actions'].items()))),
        '',
        table(['no-op run', 'infra.yml s', 'cluster.yml s', 'total s', 'API calls', 'managed resources',
               'calls/resource'],
              [[text, '%.1f' % n['infra'], '%.1f' % n['cluster'], '%.1f' % n['wall'], n['calls'], n['resources'],
                '%.2f' % n['per_resource']] for text, n in noops]),
        '',
        peer(folder) or '## Side by side with the peer\n\nNot measured in this run (BENCH_PEER_VENV was not set).\n',
    ]
    text = '\n'.join(sections)
    with open(target, 'w') as handle:
        handle.write(text)
    print(text)


if __name__ == '__main__':
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
