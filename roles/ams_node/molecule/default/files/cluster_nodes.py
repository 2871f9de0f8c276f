# -*- coding: utf-8 -*-
# Copyright: lowlatency.alicloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Test probe for the ams_node role's Molecule scenario: the cluster's node records, as JSON on stdout.

Runs on a MongoDB host with the host's pymongo (Debian's 3.11 speaks to MongoDB 4.2), as the admin user.
Prints [{"ip": ..., "age_s": seconds since the node's last heartbeat}, ...] from clusterdb.clusternode.
usage: python3 cluster_nodes.py HOST PORT USER PASSWORD
"""

from __future__ import absolute_import, division, print_function

import json
import sys
import time

import pymongo


def main():
    host, port, user, password = sys.argv[1:5]
    client = pymongo.MongoClient(host=host, port=int(port), username=user, password=password, authSource="admin",
                                 serverSelectionTimeoutMS=5000)
    now_ms = time.time() * 1000
    nodes = [{"ip": node["ip"], "age_s": round((now_ms - int(node["lastUpdateTime"])) / 1000, 1)}
             for node in client.clusterdb.clusternode.find({}, {"ip": 1, "lastUpdateTime": 1})]
    client.close()
    print(json.dumps(sorted(nodes, key=lambda node: node["ip"])))


if __name__ == "__main__":
    main()
