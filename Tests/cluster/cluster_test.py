"""Replicas of every kind against a 3-node RabbitMQ cluster, and a node stopped mid-run and started again.

Starts the cluster with scripts/cluster.sh, declares the topology on it (quorum queues on all three nodes) and runs
two of each of Herald's executables (herald-api with its relay and intake consumer, renderer, email, sms, poller,
digest, callbacks), every one given the cluster's three addresses in HERALD_AMQP_URL, against the providers of the
fault test (aiosmtpd, an http.server Tyntec endpoint and callback receiver). Sends CLUSTER_MESSAGES (10,000)
messages, four in five emails, in procedures spread over both APIs, a tenth of them scheduled a few seconds ahead
(released by the two relays), and three notifications each to CLUSTER_DIGESTS (300) recipients who want a daily
digest. Once a third has reached the providers, stops the node every process first connected to, and starts it
again 8 s later. Then, with no process killed:
- every message ends final and reaches its provider exactly once (counted by servers Herald did not write);
- each scheduled message was released once; each digest recipient's window, closed by the test, gives one digest;
- every state change is called back; each replica of each kind did part of the work;
- every queue of the topology again has three members, all online.
Prints one line and exits non-zero on failure.
"""
import json
import os
import re
import subprocess
import sys
import time
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "fault"))
import fleet as fleet_module  # noqa: E402
import providers  # noqa: E402
from fleet import env, stop_processes, wait_for  # noqa: E402
from fleet import psql as fleet_psql  # noqa: E402
from providers import callbacks, mail, sms  # noqa: E402

BIN = sys.argv[1]
MESSAGES = int(os.environ.get("CLUSTER_MESSAGES", "10000"))
DIGESTS = int(os.environ.get("CLUSTER_DIGESTS", "300"))
# CLUSTER_FAILOVER=0 keeps every node up: the same run without a failover, to compare what one costs.
FAILOVER = os.environ.get("CLUSTER_FAILOVER", "1") != "0"
DRAIN = float(os.environ.get("CLUSTER_DRAIN_SECONDS", "240"))
DB = "herald_cluster"
STATE = os.path.abspath(".herald/cluster-test")
KINDS = ["herald-api", "herald-renderer", "herald-email", "herald-sms", "herald-poller", "herald-digest",
         "herald-callbacks"]
APIS = ["127.0.0.1:18180", "127.0.0.1:18181"]


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


def defer_notifications(key):
    """DIGESTS recipients who want a daily digest (at an hour far from now), three notifications each: deferred."""
    hour = (time.gmtime().tm_hour + 12) % 24
    http(APIS[0], "PUT", "/v1/templates/c-event", {"channel": "email", "subject": "E {{n}}", "text": "E {{n}}"}, key)
    http(APIS[0], "PUT", "/v1/templates/digest", {"channel": "email", "subject": "{{count}} changes",
                                                  "text": "{{#items}}- {{subject}}\n{{/items}}"}, key)
    for r in range(DIGESTS):
        status, body = http(APIS[r % 2], "PUT", "/v1/recipients/d%d" % r, {
            "email": "d%d@example.com" % r, "timezone": "UTC", "preference": "daily", "digest_hour": hour}, key)
        if status not in (200, 201):
            raise SystemExit("FAIL cluster: recipient d%d: %s %s" % (r, status, body))
        for n in range(3):
            status, body = http(APIS[n % 2], "POST", "/v1/notifications",
                                {"recipient": "d%d" % r, "template": "c-event", "variables": {"n": n}}, key)
            if status != 202 or body.get("state") != "deferred":
                raise SystemExit("FAIL cluster: notification to d%d: %s %s" % (r, status, body))


def send_messages(key):
    """MESSAGES in procedures of 500 over both APIs, every tenth scheduled 5 s ahead. Stops node 1 once a third has
    reached the providers and starts it again 8 s later. Returns the ids and when the node stopped and restarted."""
    items = [{"channel": "email", "to": {"email": "user%d@example.com" % i}, "template": "c-mail", "variables": {"n": i}}
             if i % 5 else {"channel": "sms", "to": {"phone": "+4861%07d" % i}, "template": "c-sms", "variables": {"n": i}}
             for i in range(MESSAGES)]
    ids, stopped, restarted = [], None, None
    for number, start in enumerate(range(0, len(items), 500)):
        chunk = [dict(item, send_at=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 5)))
                 if (start + i) % 10 == 9 else item for i, item in enumerate(items[start:start + 500])]
        for _ in range(100):
            status, body = http(APIS[number % 2], "POST", "/v1/procedures", {"kind": "cluster", "messages": chunk}, key)
            if status == 202:
                ids += body["message_ids"]
                break
            time.sleep(0.2)
        if FAILOVER and not stopped and mail.total() + sms.total() >= MESSAGES // 3:
            cluster("stop-node", "1")
            stopped = time.time()
        if stopped and not restarted and time.time() - stopped >= 8:
            cluster("start-node", "1")
            restarted = time.time()
    if not FAILOVER:
        return ids, None, None
    if not stopped:
        wait_for(lambda: mail.total() + sms.total() >= MESSAGES // 3, 120, "a third at the providers")
        cluster("stop-node", "1")
        stopped = time.time()
    if not restarted:
        time.sleep(max(0.0, stopped + 8 - time.time()))
        cluster("start-node", "1")
        restarted = time.time()
    return ids, stopped, restarted


# The database is this run's own: every message in it is one of the run's.
FINAL = ("(state in ('delivered','undeliverable','failed','dead','cancelled','digested') "
         "or (state = 'sent' and channel = 'email'))")


def drain(started):
    """Waits until every message is final and every change to a final state was called back; returns how long the
    whole run took."""
    deadline = time.time() + DRAIN
    while time.time() < deadline and int(psql("select count(*) from messages where not %s" % FINAL)) > 0:
        time.sleep(1)
    while time.time() < deadline and any(callbacks.snapshot().get(change, 0) == 0 for change in final_changes()):
        time.sleep(1)
    return time.time() - started


def final_changes():
    return [tuple(line.split("|")) for line in psql(
        "select message_id, to_state from message_events where to_state in "
        "('sent','delivered','undeliverable','failed','dead','cancelled')").splitlines()]


def verify(ids, metrics, started, stopped, restarted, drained):
    pending = int(psql("select count(*) from messages where not %s" % FINAL))
    failed = int(psql("select count(*) from messages where state in ('failed','dead','undeliverable')"))
    digests = psql("select m.id, m.recipient_id from messages m join procedures p on p.id = m.procedure_id "
                   "where p.kind = 'digest'").splitlines()
    digest_ids = [line.split("|")[0] for line in digests]
    recipients = sorted(line.split("|")[1] for line in digests)
    digested = int(psql("select count(*) from messages where state = 'digested'"))
    scheduled = [int(n) for n in psql("select count(distinct message_id), count(*) from message_events "
                                      "where from_state = 'scheduled'").split("|")]
    received = {i.lower(): count for i, count in list(mail.snapshot().items()) + list(sms.snapshot().items()) if i}
    everything = [i.lower() for i in ids + digest_ids]
    lost = sum(1 for i in everything if received.get(i, 0) == 0)
    duplicates = sum(received.get(i, 0) - 1 for i in everything if received.get(i, 0) > 1)
    changes = final_changes()
    missing_callbacks = sum(1 for change in changes if callbacks.snapshot().get(change, 0) == 0)
    shares = {}
    for kind, metric in (("herald-renderer", "herald_messages_total"), ("herald-email", "herald_messages_total"),
                         ("herald-sms", "herald_messages_total"), ("herald-poller", "herald_status_polls_total"),
                         ("herald-callbacks", "herald_callbacks_total"), ("herald-digest", "herald_digests_total"),
                         ("herald-api", "herald_messages_accepted_total")):
        shares[kind] = [int(scrape(metrics[(kind, replica)], metric)) for replica in (0, 1)]
    idle = [kind for kind, counts in shares.items() if min(counts) == 0]
    replicas = queue_replicas()
    digests_ok = recipients == sorted("d%d" % r for r in range(DIGESTS)) and digested == 3 * DIGESTS
    ok = (len(ids) == MESSAGES and lost == 0 and pending == 0 and failed == 0 and duplicates == 0 and digests_ok
          and scheduled == [MESSAGES // 10] * 2 and missing_callbacks == 0 and providers.bad_signatures.total() == 0 and not idle and not replicas[1])
    failover = ("node 1 stopped after %.1f s and started again %.1f s later" % (stopped - started, restarted - stopped)
                if stopped else "no node stopped")
    print("%s cluster: %d accepted over 2 APIs, %s; lost %d, "
          "stranded %d, failed %d, sent twice %d; %d scheduled released %d times; %d digests for %d recipients "
          "(%d items); callbacks %d/%d; drained in %.1f s; work per replica %s; %d queues with 3 members online%s%s" % (
              "ok  " if ok else "FAIL", len(ids), failover, lost, pending, failed,
              duplicates, scheduled[0], scheduled[1], len(digest_ids), len(set(recipients)), digested,
              len(changes) - missing_callbacks, len(changes), drained,
              ", ".join("%s %d+%d" % (kind[7:], *counts) for kind, counts in shares.items()), replicas[0],
              "; idle replicas: %s" % idle if idle else "",
              "; under-replicated: %s" % replicas[1] if replicas[1] else ""), flush=True)
    return ok


def queue_replicas():
    """Once node 1 has rejoined every quorum queue: how many queues have three members online, and those that don't."""
    deadline = time.time() + 60
    while True:
        queues = [q for q in json.loads(cluster("queues")) if q["name"].startswith("herald")]
        short = [q["name"] for q in queues if len(q["members"]) != 3 or len(q["online"]) != 3]
        if not short or time.time() > deadline:
            return len(queues) - len(short), short
        time.sleep(1)


def main():
    os.makedirs(STATE, exist_ok=True)
    url = cluster("start").splitlines()[-1]
    providers.CALLBACK_SECRET["value"] = "cluster-callback-secret"
    smtp_port, tyntec_port, callback_port, stop_providers = providers.start()
    fleet_module.PORTS.update(smtp=smtp_port, tyntec=tyntec_port, callbacks=callback_port)
    # The fault test's 1 s Tyntec timeout is for its faults; here fourteen processes and three broker nodes share two
    # cores, and an SMS whose answer is merely late would be sent again (the provider's ambiguous window), which this
    # test, with no provider fault, counts as a duplicate.
    settings = {"HERALD_DATABASE_URL": "postgres://herald:herald@127.0.0.1:5432/%s" % DB, "HERALD_AMQP_URL": url,
                "HERALD_TYNTEC_TIMEOUT_SECONDS": "5", "HERALD_SENDING_TIMEOUT_SECONDS": "15"}
    processes = []
    ok = False
    try:
        psql("drop database if exists %s" % DB, database="postgres")
        psql("create database %s owner herald" % DB, database="postgres")
        for command in (["migrate"], ["topology"], ["tenants", "create", "cluster", "--rate-limit", "10000000",
                                                     "--burst", "100000"]):
            subprocess.run([os.path.join(BIN, "herald"), "ctl", *command], env=env(**settings), check=True, capture_output=True)
        key = subprocess.run([os.path.join(BIN, "herald"), "ctl", "keys", "create", "cluster", "--tenant", "cluster"],
                             env=env(**settings), check=True, capture_output=True, text=True).stdout.split()[-1]
        metrics = {}
        for number, kind in enumerate(KINDS):
            for replica in (0, 1):
                port = 19200 + number * 2 + replica
                metrics[(kind, replica)] = port
                extra = dict(settings, HERALD_METRICS_ADDRESS="127.0.0.1:%d" % port)
                if kind == "herald-api":
                    extra["HERALD_API_ADDRESS"] = APIS[replica]
                if kind == "herald-digest":
                    # A recipient per transaction, a pass every second when idle: both aggregators get a share.
                    extra.update(HERALD_DIGEST_BATCH="1", HERALD_DIGEST_INTERVAL_SECONDS="1")
                log = open(os.path.join(STATE, "%s-%d.log" % (kind, replica)), "w")
                processes.append(subprocess.Popen([os.path.join(BIN, "herald"), kind.replace("herald-", "", 1)], env=env(**extra), stdout=log,
                                                  stderr=subprocess.STDOUT))
        for api in APIS:
            wait_for(lambda: http(api, "GET", "/readyz")[0] == 200, 60, "herald-api %s ready" % api)
        http(APIS[0], "PUT", "/v1/templates/c-mail", {"channel": "email", "subject": "C {{n}}", "text": "M {{n}}"}, key)
        http(APIS[0], "PUT", "/v1/templates/c-sms", {"channel": "sms", "text": "S {{n}}"}, key)
        http(APIS[1], "PUT", "/v1/callback", {"url": "http://127.0.0.1:%d/c" % callback_port,
                                              "secret": "cluster-callback-secret"}, key)
        defer_notifications(key)

        started = time.time()
        ids, stopped, restarted = send_messages(key)
        # The digest recipients' windows close over the next 4 s, each recipient's at its own instant: both
        # aggregators (a pass every second when idle) race for them. Closed all at once, the first awake could
        # take every one before the other woke, and the run would not show that both share the work.
        psql("update deferred_items set due_at = now() + interval '4 seconds' * (hashtext(recipient_id) & 1023) / 1023.0")
        drained = drain(started)
        ok = verify(ids, metrics, started, stopped, restarted, drained)
    finally:
        stop_processes(processes)
        stop_providers()
        subprocess.run(["bash", "scripts/cluster.sh", "stop"], capture_output=True)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
