"""Replicas of every kind against a 3-node RabbitMQ cluster, and a node stopped mid-run.

Starts the cluster with scripts/cluster.sh, declares the topology on it (quorum queues on all three nodes) and runs
two of each of Herald's executables (herald-api with its relay and intake consumer, renderer, email, sms, poller,
digest, callbacks), every one given the cluster's three addresses in HERALD_AMQP_URL, against the providers of the
fault test (aiosmtpd, an http.server Tyntec endpoint and callback receiver). Sends CLUSTER_MESSAGES (10,000)
messages, four in five emails, in procedures spread over both APIs; once a third has reached the providers, stops
the node every process first connected to. Then every message must end final and reach its provider at least once,
duplicates no more than what was in flight, every state change called back, and each replica of each worker kind
must have done part of the work. Prints one line and exits non-zero on failure.
"""
import os
import re
import subprocess
import sys
import time
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "fault"))
import fleet as fleet_module  # noqa: E402
import providers  # noqa: E402
from fleet import env, wait_for  # noqa: E402
from fleet import psql as fleet_psql  # noqa: E402
from providers import callbacks, mail, sms  # noqa: E402

BIN = sys.argv[1]
MESSAGES = int(os.environ.get("CLUSTER_MESSAGES", "10000"))
DRAIN = float(os.environ.get("CLUSTER_DRAIN_SECONDS", "240"))
DB = "herald_cluster"
STATE = os.path.abspath(".herald/cluster-test")
KINDS = ["herald-api", "herald-renderer", "herald-email", "herald-sms", "herald-poller", "herald-digest",
         "herald-callbacks"]
APIS = ["127.0.0.1:18180", "127.0.0.1:18181"]
# Per replica of a sender: concurrency (2) x window (3) x slice (16) claimed messages in flight.
IN_FLIGHT_BOUND = 2 * 3 * 16 * 2


def psql(sql, database=DB):
    return fleet_psql(sql, database=database)


def cluster(*arguments):
    done = subprocess.run(["bash", "scripts/cluster.sh", *arguments], capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit("FAIL cluster: scripts/cluster.sh %s exited %d:\n%s%s" % (
            " ".join(arguments), done.returncode, done.stdout[-2000:], done.stderr[-4000:]))
    return done.stdout.strip()


def http(api, method, path, body=None, key=None):
    fleet_module.API = api
    return fleet_module.http(method, path, body, key)


def scrape(port, metric):
    """Sum of a counter's samples at a process's /metrics."""
    text = urllib.request.urlopen("http://127.0.0.1:%d/metrics" % port, timeout=5).read().decode()
    return sum(float(value) for name, value in re.findall(r"^(%s(?:\{[^}]*\})?) ([0-9.e+]+)$" % re.escape(metric), text, re.M))


def main():
    os.makedirs(STATE, exist_ok=True)
    url = cluster("start").splitlines()[-1]
    smtp_port, tyntec_port, callback_port, stop_providers = providers.start()
    fleet_module.PORTS.update(smtp=smtp_port, tyntec=tyntec_port, callbacks=callback_port)
    settings = {"HERALD_DATABASE_URL": "postgres://herald:herald@127.0.0.1:5432/%s" % DB, "HERALD_AMQP_URL": url}
    processes = []
    ok = False
    try:
        psql("drop database if exists %s" % DB, database="postgres")
        psql("create database %s owner herald" % DB, database="postgres")
        for command in (["migrate"], ["topology"], ["tenants", "create", "cluster", "--rate-limit", "10000000",
                                                     "--burst", "100000"]):
            subprocess.run([os.path.join(BIN, "heraldctl"), *command], env=env(**settings), check=True, capture_output=True)
        key = subprocess.run([os.path.join(BIN, "heraldctl"), "keys", "create", "cluster", "--tenant", "cluster"],
                             env=env(**settings), check=True, capture_output=True, text=True).stdout.split()[-1]
        metrics = {}
        for number, kind in enumerate(KINDS):
            for replica in (0, 1):
                port = 19200 + number * 2 + replica
                metrics[(kind, replica)] = port
                extra = dict(settings, HERALD_METRICS_ADDRESS="127.0.0.1:%d" % port)
                if kind == "herald-api":
                    extra["HERALD_API_ADDRESS"] = APIS[replica]
                log = open(os.path.join(STATE, "%s-%d.log" % (kind, replica)), "w")
                processes.append(subprocess.Popen([os.path.join(BIN, kind)], env=env(**extra), stdout=log,
                                                  stderr=subprocess.STDOUT))
        for api in APIS:
            wait_for(lambda: http(api, "GET", "/readyz")[0] == 200, 60, "herald-api %s ready" % api)
        http(APIS[0], "PUT", "/v1/templates/c-mail", {"channel": "email", "subject": "C {{n}}", "text": "M {{n}}"}, key)
        http(APIS[0], "PUT", "/v1/templates/c-sms", {"channel": "sms", "text": "S {{n}}"}, key)
        http(APIS[1], "PUT", "/v1/callback", {"url": "http://127.0.0.1:%d/c" % callback_port,
                                              "secret": "cluster-callback-secret"}, key)

        started = time.time()
        items = [{"channel": "email", "to": {"email": "user%d@example.com" % i}, "template": "c-mail", "variables": {"n": i}}
                 if i % 5 else {"channel": "sms", "to": {"phone": "+4861%07d" % i}, "template": "c-sms", "variables": {"n": i}}
                 for i in range(MESSAGES)]
        ids, stopped = [], False
        for number, start in enumerate(range(0, len(items), 500)):
            for _ in range(100):
                status, body = http(APIS[number % 2], "POST", "/v1/procedures",
                                    {"kind": "cluster", "messages": items[start:start + 500]}, key)
                if status == 202:
                    ids += body["message_ids"]
                    break
                time.sleep(0.2)
            if not stopped and mail.total() + sms.total() >= MESSAGES // 3:
                cluster("stop-node", "1")
                stopped = time.time()
        if not stopped:
            wait_for(lambda: mail.total() + sms.total() >= MESSAGES // 3, 120, "a third at the providers")
            cluster("stop-node", "1")
            stopped = time.time()

        # The database is this run's own: every message in it is one of the run's.
        final = "(state in ('delivered','undeliverable','failed','dead','cancelled') or (state = 'sent' and channel = 'email'))"
        deadline = time.time() + DRAIN
        while time.time() < deadline:
            pending = int(psql("select count(*) from messages where not %s" % final))
            if pending == 0:
                break
            time.sleep(1)
        changes = [tuple(line.split("|")) for line in psql(
            "select message_id, to_state from message_events where to_state in "
            "('sent','delivered','undeliverable','failed','dead','cancelled')").splitlines()]
        while time.time() < deadline and any(callbacks.snapshot().get(change, 0) == 0 for change in changes):
            time.sleep(1)
        drained = time.time() - started
        pending = int(psql("select count(*) from messages where not %s" % final))
        failed = int(psql("select count(*) from messages where state in ('failed','dead','undeliverable')"))
        received = dict(mail.snapshot())
        received.update(sms.snapshot())
        lost = sum(1 for i in ids if received.get(i, 0) == 0)
        duplicates = sum(received.get(i, 0) - 1 for i in ids if received.get(i, 0) > 1)
        missing_callbacks = sum(1 for change in changes if callbacks.snapshot().get(change, 0) == 0)
        shares = {}
        for kind, metric in (("herald-renderer", "herald_messages_total"), ("herald-email", "herald_messages_total"),
                             ("herald-sms", "herald_messages_total"), ("herald-poller", "herald_status_polls_total"),
                             ("herald-callbacks", "herald_callbacks_total"), ("herald-api", "herald_messages_accepted_total")):
            shares[kind] = [int(scrape(metrics[(kind, replica)], metric)) for replica in (0, 1)]
        idle = [kind for kind, counts in shares.items() if min(counts) == 0]
        ok = (len(ids) == MESSAGES and lost == 0 and pending == 0 and failed == 0 and duplicates <= IN_FLIGHT_BOUND
              and missing_callbacks == 0 and not idle)
        print("%s cluster: %d accepted over 2 APIs, node 1 stopped after %.1f s; lost %d, stranded %d, failed %d, "
              "duplicates %d (bound %d), callbacks %d/%d, drained in %.1f s; work per replica %s%s" % (
                  "ok  " if ok else "FAIL", len(ids), stopped - started, lost, pending, failed, duplicates,
                  IN_FLIGHT_BOUND, len(changes) - missing_callbacks, len(changes), drained,
                  ", ".join("%s %d+%d" % (kind[7:], *counts) for kind, counts in shares.items()),
                  "; idle replicas: %s" % idle if idle else ""), flush=True)
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        stop_providers()
        subprocess.run(["bash", "scripts/cluster.sh", "stop"], capture_output=True)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
