"""Eight client threads creating and deleting at once leave a consistent state and a valid state file."""

import json
import threading

from emulator.tests.helpers import create_vpc, create_vswitch, delete_vpc, delete_vswitch, vpcs, vswitches

THREADS = 8
ROUNDS = 5


def test_eight_threads_create_and_delete_concurrently(emulator_server, admin, tmp_path):
    admin.set_profile(quotas={'vpc.vpcs_per_region': 50})
    failures = []
    kept = {}
    start = threading.Barrier(THREADS)

    def worker(number):
        client = emulator_server.client('vpc')  # one client per thread, as separate programs would have
        try:
            start.wait()
            for round_number in range(ROUNDS):
                vpc_id = create_vpc(client, '10.%d.0.0/16' % number, 'w%d-r%d' % (number, round_number)).vpc_id
                vswitch_id = create_vswitch(client, vpc_id, '10.%d.1.0/24' % number).v_switch_id
                if round_number == ROUNDS - 1:
                    kept[number] = (vpc_id, vswitch_id)
                    continue
                delete_vswitch(client, vswitch_id)
                delete_vpc(client, vpc_id)
        except Exception as error:  # collected and reported by the main thread
            failures.append('%d: %r' % (number, error))

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert failures == []

    client = emulator_server.client('vpc')
    listed = vpcs(client)
    assert sorted(v.vpc_id for v in listed.vpcs.vpc) == sorted(vpc_id for vpc_id, _ in kept.values())
    assert sorted(v.v_switch_id for v in vswitches(client).v_switches.v_switch) == \
        sorted(vswitch_id for _, vswitch_id in kept.values())
    counts = admin.counts()
    assert counts['actions']['CreateVpc'] == THREADS * ROUNDS
    assert counts['mutating_succeeded'] == THREADS * (4 * ROUNDS - 2)

    state = json.loads((tmp_path / 'state.json').read_text())  # the file on disk is whole and current
    assert sorted(state['resources']['vpc.vpc']) == sorted(vpc_id for vpc_id, _ in kept.values())
    assert not list(tmp_path.glob('state.json.tmp-*'))
