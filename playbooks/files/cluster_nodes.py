# -*- coding: utf-8 -*-
# Copyright: lowlatency.alicloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""verify.yml's probe of the AMS cluster's node records, run on the MongoDB host with the host's pymongo.

usage: python3 -c "$(cat cluster_nodes.py)" HOST PORT USER < password
Prints [{"ip": ..., "age_s": seconds since the node's last heartbeat}, ...] from clusterdb.clusternode, by ip.
The password comes on stdin so that it is on no command line.
"""

from __future__ import absolute_import, division, print_function

import json
import sys
import time

import pymongo


def main():
    host, port, user = sys.argv[1:4]
    password = sys.stdin.readline().rstrip('\n')
    client = pymongo.MongoClient(host=host, port=int(port), username=user, password=password, authSource='admin',
                                 serverSelectionTimeoutMS=5000)
    now_ms = time.time() * 1000
    nodes = [{'ip': node['ip'], 'age_s': round((now_ms - int(node['lastUpdateTime'])) / 1000, 1)}
             for node in client.clusterdb.clusternode.find({}, {'ip': 1, 'lastUpdateTime': 1})]
    client.close()
    print(json.dumps(sorted(nodes, key=lambda node: node['ip'])))


if __name__ == '__main__':
    main()
