"""The strict world's network: what a host reaches, and who reaches it, as on Alibaba Cloud.

This machine plays two parts. As the *controller* (Ansible, the tests) it stands on the internet at ``CONTROLLER``:
it reaches an instance only at its public address (PublicIpAddress or a bound EIP, mapped 1:1 to the private address
by DNAT), and its connections arrive there from ``CONTROLLER``, never from an address inside a vSwitch. The
"internet" services it offers to instances (the stand-in package repository, the AMS zip) listen on ``SERVICES``;
an instance reaches them only through its public address, a bound EIP, or an SNAT entry covering it (the
connection arrives from that address). As the VPC's *router* it forwards between the vSwitches of one VPC
without NAT (sources are kept, so security group rules on CIDRs and groups mean something) and drops traffic between
VPCs. The ALB proxies and health checks in the emulator are inside the VPC: their sockets carry ``MARK`` and a source
address of a vSwitch (``vpc_socket``).

Security groups are enforced in each host's own network namespace (``sg_script``, applied with nsenter), so traffic
between hosts of one vSwitch, which never leaves its bridge, is filtered too.

Everything on this machine is labelled: the nft table ``llemu_dp_<emulator pid>`` and the link ``llemu-inet`` (a
bridge without ports, as this kernel has no dummy links; alias ``lowlatency.emulator-pid=<pid>``) holding the two
internet addresses; ``clean()`` removes those of emulators that no longer run.
"""

import ipaddress
import re
import socket
import subprocess

from emulator.dataplane import podman

CONTROLLER = '203.0.113.10'   # TEST-NET-3: the controller's internet address (deployment_admin_cidr names it)
SERVICES = '198.51.100.80'    # TEST-NET-2: where the internet services are served to instances
INTERNET = ('203.0.113.0/24', '198.51.100.0/24')
LINK = 'llemu-inet'
MARK = 0x11e3                 # sockets of the emulator's ALB proxies and health checks
TABLE_PREFIX = 'llemu_dp_'
SG_TABLE = 'llemu_sg'
PID_ALIAS = 'lowlatency.emulator-pid='


class NetworkError(Exception):
    pass


def _run(*command, stdin=None, check=True):
    done = subprocess.run(command, input=stdin, capture_output=True, text=True, timeout=30)
    if check and done.returncode != 0:
        raise NetworkError('%s: %s' % (' '.join(command[:3]), (done.stderr or done.stdout).strip()))
    return done


def _elements(values):
    return '{ %s }' % ', '.join(values)


# The host's table.

def host_script(pid, vpcs, public, egress):
    """The nft script of the host table. ``vpcs``: {vpc id: [vSwitch CIDRs]}; ``public``: {public address: private
    address} (public IPs and bound EIPs); ``egress``: {private address: the address it reaches the internet from}
    (its public IP, EIP, or the SNAT IP of a NAT gateway's entry for it)."""
    table = TABLE_PREFIX + str(pid)
    cidrs = sorted(set(c for found in vpcs.values() for c in found))
    lines = ['table ip %s' % table, 'delete table ip %s' % table, 'table ip %s {' % table]
    lines += ['  set vswitches { type ipv4_addr; flags interval; %s}'
              % ('elements = %s; ' % _elements(cidrs) if cidrs else ''),
              '  set internet { type ipv4_addr; flags interval; elements = %s; }' % _elements(INTERNET)]
    for name, pairs in (('public', public), ('egress', egress)):
        elements = ['%s : %s' % pair for pair in sorted(pairs.items())]
        lines.append('  map %s { type ipv4_addr : ipv4_addr; %s}' % (
            name, 'elements = %s; ' % _elements(elements) if elements else ''))
    lines += [
        # Inside a VPC the router keeps the sources: no connection tracking, so no masquerading by podman either.
        '  chain raw_prerouting { type filter hook prerouting priority -300;',
        '    ip saddr @vswitches ip daddr @vswitches fib daddr type != local notrack', '  }',
        '  chain raw_output { type filter hook output priority -300;',
        '    meta mark %d ip daddr @vswitches notrack' % MARK, '  }',
        '  chain forward { type filter hook forward priority 0;']
    for vpc_cidrs in vpcs.values():
        lines.append('    ip saddr %s ip daddr %s accept' % (_elements(vpc_cidrs), _elements(vpc_cidrs)))
    lines += [
        '    ip saddr @vswitches ip daddr @vswitches drop', '  }',
        # The controller: a public address leads to its host, from the controller's internet address.
        '  chain nat_output { type nat hook output priority -100;', '    dnat to ip daddr map @public', '  }',
        '  chain nat_postrouting { type nat hook postrouting priority 99;',
        '    ct status dnat ip daddr @vswitches snat to %s' % CONTROLLER, '  }',
        '  chain output { type filter hook output priority 0;',
        '    ip daddr @vswitches jump to_vpc', '  }',
        '  chain to_vpc {',
        '    ct state established,related accept',
        '    ct status dnat accept',
        '    meta mark %d accept' % MARK,
        '    reject with icmp type admin-prohibited', '  }',
        # The internet's services: only from a host with a way out, seen from its public address.
        '  chain input { type filter hook input priority 0;',
        '    ip saddr @vswitches ip daddr @internet jump from_vpc', '  }',
        '  chain from_vpc {',
        '    ct state established,related accept',
        '    ip saddr @egress accept',
        '    reject with icmp type admin-prohibited', '  }',
        '  chain nat_input { type nat hook input priority 100;',
        '    ip daddr @internet snat to ip saddr map @egress', '  }',
        '}']
    return '\n'.join(lines) + '\n'


def apply_host(script):
    _run('nft', '-f', '-', stdin=script)


def _link_owner():
    shown = _run('ip', '-o', 'link', 'show', LINK, check=False)
    if shown.returncode != 0:
        return None
    owner = re.search(r'alias %s(\d+)' % re.escape(PID_ALIAS), shown.stdout)
    return owner.group(1) if owner else ''


def ensure_link(pid):
    """The link with the internet addresses: a running emulator's is shared (a test may start a second data plane),
    one a dead emulator left is replaced."""
    owner = _link_owner()
    if owner and podman.alive(owner):
        return
    _run('ip', 'link', 'del', LINK, check=False)
    _run('ip', 'link', 'add', LINK, 'type', 'bridge')  # no dummy module here; a bridge without ports serves
    _run('ip', 'link', 'set', LINK, 'alias', PID_ALIAS + str(pid))
    for address in (CONTROLLER, SERVICES):
        _run('ip', 'addr', 'add', address + '/32', 'dev', LINK)
    _run('ip', 'link', 'set', LINK, 'up')


def clean(pid=None, everything=False):
    """Remove the host tables and the link of emulator ``pid``, of emulators no longer running, or (with
    ``everything``) all of them. Returns what was removed."""
    def wanted(owner):
        return everything or (owner == str(pid) if pid is not None else not podman.alive(owner))
    removed = []
    listed = _run('nft', 'list', 'tables', check=False).stdout
    for table, owner in re.findall(r'^table ip (%s(\d+))$' % TABLE_PREFIX, listed, re.M):
        if wanted(owner):
            _run('nft', 'delete', 'table', 'ip', table, check=False)
            removed.append('nft:' + table)
    owner = _link_owner()
    if owner is not None and wanted(owner):
        _run('ip', 'link', 'del', LINK, check=False)
        removed.append('link:' + LINK)
    return removed


# Security groups, in each host's network namespace.

def _match(rule, direction, members):
    """The nft match of one rule, or None when it matches nothing (a group without members)."""
    parts = []
    protocol = rule['IpProtocol']
    if protocol != 'ALL':
        parts.append('meta l4proto %s' % protocol.lower())
    if protocol in ('TCP', 'UDP'):
        low, high = rule['PortRange'].split('/')
        parts.append('th dport %s' % (low if low == high else '%s-%s' % (low, high)))
        if rule.get('SourcePortRange'):
            low, high = rule['SourcePortRange'].split('/')
            parts.append('th sport %s' % (low if low == high else '%s-%s' % (low, high)))
    field = 'saddr' if direction == 'ingress' else 'daddr'
    cidr = rule['SourceCidrIp' if direction == 'ingress' else 'DestCidrIp']
    peer_group = rule['SourceGroupId' if direction == 'ingress' else 'DestGroupId']
    if cidr:
        if ipaddress.ip_network(cidr, strict=False).prefixlen:
            parts.append('ip %s %s' % (field, cidr))
    elif peer_group:
        addresses = members.get(peer_group) or []
        if not addresses:
            return None
        parts.append('ip %s %s' % (field, _elements(addresses)))
    return ' '.join(parts)


def sg_script(groups, members, address, dns):
    """The nft script of one host's security groups. ``groups``: the instance's groups (as stored: type, inner
    access policy, rules); ``members``: {group id: [private addresses]}; ``address``: the host's; ``dns``: the
    vSwitch's vRouter, whose DNS the group does not filter.

    Order, as documented: a basic group's inner access (Accept) comes before any rule; then the rules by priority (1
    first), a drop before an accept of the same priority; then the defaults: inbound denied, outbound allowed for
    basic groups and denied for enterprise groups."""
    enterprise = any(g['SecurityGroupType'] == 'enterprise' for g in groups)
    inner = sorted(set(a for g in groups if g['SecurityGroupType'] == 'normal' and g['InnerAccessPolicy'] == 'Accept'
                       for a in members.get(g['SecurityGroupId'], ()) if a != address))
    rules = sorted((r for g in groups for r in g['Rules']),
                   key=lambda r: (int(r['Priority']), r['Policy'] != 'Drop'))
    chains = {}
    for direction, hook, field in (('ingress', 'input', 'saddr'), ('egress', 'output', 'daddr')):
        body = ['ct state established,related accept', 'ct state invalid drop',
                '%s "lo" accept' % ('iifname' if hook == 'input' else 'oifname')]
        if direction == 'egress':
            body.append('ip daddr %s meta l4proto { tcp, udp } th dport 53 accept' % dns)
        if inner:
            body.append('ip %s %s accept' % (field, _elements(inner)))
        for rule in rules:
            if rule['Direction'] != direction:
                continue
            match = _match(rule, direction, members)
            if match is not None:
                body.append(('%s %s' % (match, rule['Policy'].lower())).strip())
        policy = 'accept' if direction == 'egress' and not enterprise else 'drop'
        chains[hook] = '  chain %s { type filter hook %s priority 0; policy %s;\n%s\n  }' % (
            hook, hook, policy, '\n'.join('    ' + line for line in body))
    return 'table inet {0}\ndelete table inet {0}\ntable inet {0} {{\n{1}\n{2}\n}}\n'.format(
        SG_TABLE, chains['input'], chains['output'])


def apply_sg(pid, script):
    """Apply a host's security group script in its network namespace (the host's nft, so the image needs none)."""
    _run('nsenter', '-t', str(pid), '-n', 'nft', '-f', '-', stdin=script)


# The VPC side of the emulator's own sockets.

def vpc_socket(address, port, timeout, sources):
    """A TCP connection to ``address:port`` from inside the VPC: marked, from the first of ``sources`` that is an
    address of this machine (a vSwitch's vRouter address exists once a host of that vSwitch has booted)."""
    for source in list(sources) + [None]:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_MARK, MARK)
        except PermissionError:
            pass  # not root: no data plane's table to pass either
        if source is not None:
            try:
                sock.bind((source, 0))
            except OSError:
                sock.close()
                continue
        sock.settimeout(timeout)
        try:
            sock.connect((address, port))
        except OSError:
            sock.close()
            raise
        return sock
