# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one change make bench makes to the peer (alibaba's Ansible modules over footmark): its endpoint.

footmark builds its AcsClient (aliyun-python-sdk-core) from the region alone and the peer's modules have no endpoint
option, so in the peer's module processes (AnsiballZ_*.py, with BENCH_PEER_ENDPOINT set) every request goes to
BENCH_PEER_ENDPOINT (host:port of the emulator) instead. Nothing else of the peer's code or requests is touched.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import sys

if os.environ.get('BENCH_PEER_ENDPOINT') and os.path.basename(sys.argv[0] if sys.argv else '').startswith('AnsiballZ_'):
    from aliyunsdkcore import client as _client

    _client.AcsClient._resolve_endpoint = lambda self, request: os.environ['BENCH_PEER_ENDPOINT']
