"""ALB listeners served by local reverse proxies to the healthy backends, with health checks run for real."""

import pathlib
import socket
import ssl
import urllib.error
import urllib.request

from emulator.dataplane import podman
from emulator.tests.dataplane.conftest import E, V, REGION, dataplane_view, status_of, wait_for
from emulator.tests.dataplane.test_instances import run_instance
from emulator.tests import web_backend
from emulator.tests.test_alb import A, create_group, create_lb, create_listener, health_check
from emulator.tests.test_cas import C, pair, upload

# Each member runs emulator/tests/web_backend.py on 8080, as a systemd unit so that the test can stop it.
WEB_SERVER = ("#!/bin/sh\ncat > /usr/local/bin/web_backend.py <<'SCRIPT'\n"
              + pathlib.Path(web_backend.__file__).read_text()
              + "SCRIPT\nsystemd-run --unit web python3 /usr/local/bin/web_backend.py 8080\n")


def upgraded_echo(address):
    """The status line of an upgrade through the proxy, and what the upgraded connection answers to b'ping'."""
    host, port = address.split(':')
    with socket.create_connection((host, int(port)), timeout=10) as connection:
        connection.sendall(b'GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n')
        head = b''
        while b'\r\n\r\n' not in head:
            head += connection.recv(1024)
        connection.sendall(b'ping')
        return head.split(b'\r\n')[0].decode(), connection.recv(1024)


def fetch(url):
    """(status, body) of a GET through the proxy (a new connection each time)."""
    context = ssl._create_unverified_context() if url.startswith('https') else None
    try:
        with urllib.request.urlopen(url, timeout=10, context=context) as response:
            return response.status, response.read().decode().strip()
    except urllib.error.HTTPError as error:
        return error.code, ''


def unhealthy(alb, listener_id):
    """{server id: (status, reason code)} of the listener's backends that are not healthy."""
    body = alb.get_listener_health_status(A.GetListenerHealthStatusRequest(listener_id=listener_id)).body
    return dict((s.server_id, (s.status, s.reason.reason_code if s.reason else None))
                for info in body.listener_health_status[0].server_group_infos for s in info.non_normal_servers)


def test_a_listener_forwards_to_healthy_members_only(plane, ecs, vpc, network):
    alb = plane.client('alb', region_header=True)
    members = [run_instance(ecs, network, WEB_SERVER, name='web-%d' % n) for n in (1, 2)]
    second_zone = vpc.create_vswitch(V.CreateVSwitchRequest(
        region_id=REGION, vpc_id=network['vpc_id'], zone_id='cn-hangzhou-i', cidr_block='192.168.250.0/24')).body
    lb_id = create_lb(alb, (network['vpc_id'], [('cn-hangzhou-h', network['vswitch_id']),
                                                ('cn-hangzhou-i', second_zone.v_switch_id)])).load_balancer_id
    group_id = create_group(alb, network['vpc_id'], 'web', health_check_config=health_check(
        health_check_path='/index.html', health_check_method='GET', health_check_codes=['http_2xx'],
        health_check_interval=1, health_check_timeout=1, healthy_threshold=2, unhealthy_threshold=2)).server_group_id
    wait_for('members running', lambda: all(status_of(ecs, i) == 'Running' for i in members))
    alb.add_servers_to_server_group(A.AddServersToServerGroupRequest(server_group_id=group_id, servers=[
        A.AddServersToServerGroupRequestServers(server_id=i, server_type='Ecs', port=8080) for i in members]))
    listener_id = create_listener(alb, lb_id, group_id, 80).listener_id
    # The load balancer reaches its backends from its vSwitches: the members' group opens 8080 to them.
    plane.client('ecs').authorize_security_group(E.AuthorizeSecurityGroupRequest(
        region_id=REGION, security_group_id=network['security_group_id'], permissions=[
            E.AuthorizeSecurityGroupRequestPermissions(ip_protocol='tcp', port_range='8080/8080', source_cidr_ip=cidr)
            for cidr in (network['cidr'], '192.168.250.0/24')]))

    cas = plane.client('cas', region_header=True)
    cert_pem, key_text, _ = pair()
    cert_id = upload(cas, 'dataplane-tls', cert_pem, key_text).cert_id
    identifier = cas.get_user_certificate_detail(C.GetUserCertificateDetailRequest(cert_id=cert_id)).body \
        .cert_identifier
    secure_id = create_listener(alb, lb_id, group_id, 443, 'HTTPS', certificates=[
        A.CreateListenerRequestCertificates(certificate_id=identifier)]).listener_id

    listeners = wait_for('both proxies', lambda: (lambda found: len(found) == 2 and found)(
        dict((i, v) for i, v in dataplane_view(plane)['listeners'].items() if i in (listener_id, secure_id))))
    plain, secure = listeners[listener_id]['url'], listeners[secure_id]['url']
    assert plain == 'http://127.0.0.1:%d/' % (80 + plane.listener_offset)
    assert secure == 'https://127.0.0.1:%d/' % (443 + plane.listener_offset)

    wait_for('both members healthy', lambda: unhealthy(alb, listener_id) == {}, timeout=60)
    served = set(fetch(plain)[1] for _ in range(6))
    assert served == {'web-1 127.0.0.1 http', 'web-2 127.0.0.1 http'}  # round robin, client address added
    assert set(fetch(secure)[1] for _ in range(4)) == {'web-1 127.0.0.1 https', 'web-2 127.0.0.1 https'}
    assert upgraded_echo(listeners[listener_id]['address']) == ('HTTP/1.0 101 Switching Protocols', b'PING')

    podman.exec_in('llemu-' + members[0], 'systemctl', 'stop', 'web')
    found = wait_for('web-1 unhealthy', lambda: unhealthy(alb, listener_id), timeout=30)
    assert found == {members[0]: ('Unhealthy', 'CONNECT_FAILED')}
    assert [fetch(plain) for _ in range(4)] == [(200, 'web-2 127.0.0.1 http')] * 4  # the proxy stops sending to it

    podman.exec_in('llemu-' + members[1], 'systemctl', 'stop', 'web')
    wait_for('both unhealthy', lambda: len(unhealthy(alb, listener_id)) == 2, timeout=30)
    assert fetch(plain) == (503, '')
