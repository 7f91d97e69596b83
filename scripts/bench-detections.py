#!/usr/bin/env python3
"""Benchmark of the rule pack (issue 5, "Benchmarks"): builds a synthetic capture of N events (a
busy host: containers serving requests, builds, shells, cron), loads it, runs the pack with
per-rule timings, and prints load time beside detection time.

    scripts/bench-detections.py --events 1000000 [--replay build/det/replay/amber-replay] [--keep DIR]

The workload is benign except a handful of attacks sprinkled in, so the rules work on realistic
volumes (opens and execs dominate) and still have something to find."""
import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time

HOST_NS = dict(mnt_ns=4026531841, pid_ns=4026531836, user_ns=4026531837, net_ns=4026531840)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--events', type=int, default=1_000_000)
    ap.add_argument('--replay', default='build/det/replay/amber-replay')
    ap.add_argument('--rules', default='detections')
    ap.add_argument('--keep', default=None)
    a = ap.parse_args()
    rng = random.Random(42)
    work = a.keep or tempfile.mkdtemp(prefix='amber-bench-')
    os.makedirs(work, exist_ok=True)
    jsonl, capture, db = (os.path.join(work, n) for n in ('bench.jsonl', 'bench.amber', 'bench.db'))

    t0 = time.time()
    dumps = json.JSONEncoder(separators=(',', ':')).encode
    containers = ['%064x' % rng.getrandbits(256) for _ in range(20)]
    files = ['/usr/share/nginx/html/p%d.html' % i for i in range(200)] + \
            ['/var/lib/app/data%d.db' % i for i in range(50)] + ['/etc/hosts', '/etc/resolv.conf',
                                                                 '/etc/ld.so.cache']
    exes = ['/usr/bin/curl', '/usr/bin/python3', '/bin/ls', '/usr/bin/gzip', '/usr/bin/find',
            '/usr/sbin/nginx', '/bin/sh', '/usr/bin/make', '/usr/bin/git']
    with open(jsonl, 'w') as out:
        out.write(dumps(dict(type='header', host=dict(hostname='bench', arch='x86_64', cpus=8),
                             clock_boot_ns=1_000_000_000, clock_realtime_ns=1_795_957_339_000_000_000,
                             started_ns=1_000_000_000)) + '\n')
        for i, c in enumerate(containers):
            out.write(dumps(dict(type='container', id=c, name='svc-%d' % i, image='registry/svc:%d' % i,
                                 runtime='runc', observed_ns=900_000_000)) + '\n')
        live = []  # (pid, start, container, ppid)
        exes_of = {}  # pid -> image: shells do not connect out here (that is AMB-NET-001's needle)
        next_pid, t, n = 1000, 2_000_000_000, 0
        while n < a.events:
            t += rng.randint(1_000, 50_000)
            r = rng.random()
            if not live or (r < 0.04 and len(live) < 5000):
                parent = rng.choice(live) if live else (1, 0, '', 0)
                pid = next_pid
                next_pid += 1
                ctx = dict(pid=parent[0], tid=parent[0], ppid=parent[3], process_start_ns=parent[1],
                           container_id=parent[2], comm='p', **HOST_NS)
                out.write(dumps(dict(type='event', time_ns=t, op='fork', ret=pid, context=ctx, family='fork',
                                     args=dict(child_pid=pid, child_tid=pid, clone_flags=17, child_start_ns=t))) + '\n')
                cont = rng.choice(containers) if rng.random() < 0.7 else parent[2]
                live.append((pid, t, cont, parent[0]))
                exe = rng.choice(exes)
                exes_of[pid] = exe
                ctx = dict(pid=pid, tid=pid, ppid=parent[0], process_start_ns=t, container_id=cont, comm='p', **HOST_NS)
                t += 1000
                out.write(dumps(dict(type='event', time_ns=t, op='exec', context=ctx, family='exec',
                                     args=dict(filename=exe, argv=[os.path.basename(exe), '-x', str(n)], argc=3))) + '\n')
                n += 2
                continue
            p = rng.choice(live)
            ctx = dict(pid=p[0], tid=p[0], ppid=p[3], process_start_ns=p[1], container_id=p[2], comm='p', **HOST_NS)
            if r < 0.06 and len(live) > 100:
                live.remove(p)
                out.write(dumps(dict(type='event', time_ns=t, op='exit', context=ctx, family='exit', args={})) + '\n')
            elif r < 0.80:
                path = rng.choice(files)
                flags = 0 if rng.random() < 0.85 else 0o1101
                out.write(dumps(dict(type='event', time_ns=t, op='open', ret=3, context=ctx, family='file',
                                     args=dict(path=path, file_flags=flags))) + '\n')
            elif r < 0.93 and exes_of.get(p[0]) != '/bin/sh':
                out.write(dumps(dict(type='event', time_ns=t, op='connect', context=ctx, family='net',
                                     args=dict(family=2, port=rng.choice([80, 443, 5432, 6379]),
                                               addr_lo=0x0a000000 + rng.randint(1, 250)))) + '\n')
            elif r < 0.97:
                out.write(dumps(dict(type='event', time_ns=t, op='mmap', context=ctx, family='memory',
                                     args=dict(length=4096, prot=5))) + '\n')
            elif r < 0.9995:
                out.write(dumps(dict(type='event', time_ns=t, op='setuid', context=ctx, family='cred',
                                     args=dict(id0=33, old_uid=0, old_euid=0))) + '\n')
            else:  # the needles
                out.write(dumps(dict(type='event', time_ns=t, op='open', ret=3, context=ctx, family='file',
                                     args=dict(path='/etc/shadow'))) + '\n')
            n += 1
    gen = time.time() - t0

    def run(args):
        s = time.time()
        r = subprocess.run(args, capture_output=True, text=True)
        if r.returncode not in (0, 1):
            sys.exit('%s: exit %d\n%s' % (' '.join(args), r.returncode, r.stderr))
        return time.time() - s, r

    imp, _ = run([a.replay, 'import', jsonl, '-o', capture, '--force'])
    if os.path.exists(db):
        os.remove(db)
    load, _ = run([a.replay, 'load', capture, '--db', db, '-q'])
    det, r = run([a.replay, 'detect', '--db', db, '--rules', a.rules, '--format', 'jsonl', '--timing',
                  '--budget-ms', '0'])
    alerts = len(r.stdout.splitlines())
    print('events %d  (generate %.1fs, import %.1fs)' % (a.events, gen, imp))
    print('load   %.1fs' % load)
    print('detect %.1fs for the whole pack, %d alerts  (pack/load = %.2f)' % (det, alerts, det / load))
    print('per rule, slowest first:')
    sys.stdout.write(''.join('  ' + l + '\n' for l in r.stderr.splitlines()[:12]))
    if not a.keep:
        for f in (jsonl, capture, db):
            os.remove(f)
        os.rmdir(work)


if __name__ == '__main__':
    main()
