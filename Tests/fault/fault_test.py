"""Crash and restart faults against the real fleet: every accepted message must end final, none lost.

Runs Herald's own executables (from the build folder given as the first argument) against the local PostgreSQL and
RabbitMQ, an SMTP server built on aiosmtpd and a Tyntec-compatible endpoint built on http.server: providers Herald
did not write, which count what they receive by Message-ID and by `reference`. For each fault a fresh wave of emails
and SMS is accepted over the API, a quarter of it published straight onto herald.intake, the fault strikes mid-flight (kill -9 of one process kind, then a restart; a
broker restart; a database restart), and the wave must drain: every message final, each one received at least once,
duplicates no more than what the killed process had claimed, and every change to a final state (and `sent`) called
back to the tenant's receiver at least once. Prints one line per fault and a closing
"N passed, N failed".

Environment: FAULT_EMAILS (1200) and FAULT_SMS (400) per wave, FAULT_DRAIN_SECONDS (120), FAULT_ONLY (comma list).
The providers are in providers.py, the fleet and its helpers in fleet.py.
"""
import itertools
import json
import os
import subprocess
import sys
import threading
import time
import urllib.request

import pika

import fleet as fleet_module
import providers
from fleet import API, DB, STATE, VHOST, Fleet, env, http, psql, wait_for
from providers import DROP_EVERY, DROPPING, address_number, bad_signatures, callbacks, dropped, mail, sms

BIN = sys.argv[1]
EMAILS = int(os.environ.get("FAULT_EMAILS", "1200"))
SMS = int(os.environ.get("FAULT_SMS", "400"))
DRAIN = float(os.environ.get("FAULT_DRAIN_SECONDS", "120"))
ONLY = [f for f in os.environ.get("FAULT_ONLY", "").split(",") if f]
# Bound on duplicates per kill of a sender: concurrency (2) x window (3) x slice (16) claimed messages in flight.
IN_FLIGHT_BOUND = 2 * 3 * 16


WAVES = itertools.count(1)


def accept_wave(key, emails, texts):
    """Accepts emails and SMS in procedures of 100, one in four published onto herald.intake instead of the API.
    Returns the ids of the messages accepted over HTTP, and the reference and count of those sent through the intake
    (whose ids are found once stored)."""
    wave = next(WAVES)
    reference = "fault-wave-%d-intake" % wave
    ids, queued = [], 0
    items = [{"channel": "email", "to": {"email": "user%d@example.com" % i}, "template": "fault-mail",
              "variables": {"n": i}} for i in range(emails)]
    items += [{"channel": "sms", "to": {"phone": "+4860%07d" % i}, "template": "fault-sms",
               "variables": {"n": i}} for i in range(texts)]
    for number, start in enumerate(range(0, len(items), 100)):
        chunk = items[start:start + 100]
        if number % 4 == 3:
            publish_intake(key, number, [dict(item, reference=reference) for item in chunk], reference)
            queued += len(chunk)
            continue
        # Each chunk with an Idempotency-Key: one sent again after a lost answer (the API killed) is stored once,
        # and the wave's count by reference catches one stored twice.
        chunk = [dict(item, reference="fault-wave-%d-http" % wave) for item in chunk]
        for _ in range(50):
            status, body = http("POST", "/v1/procedures", {"kind": "fault", "messages": chunk}, key,
                                "fault-wave-%d-http-%d" % (wave, number))
            if status == 202:
                ids += body["message_ids"]
                break
            time.sleep(0.2)
    return ids, reference, queued


def publish_intake(key, number, messages, tag):
    """Publishes a procedure onto herald.intake with publisher confirms, as an application next to the broker would.
    If the broker did not confirm it (it restarted), it is published again: its Idempotency-Key keeps it single."""
    deadline = time.time() + 120
    while time.time() < deadline:
        try:
            connection = pika.BlockingConnection(pika.URLParameters("amqp://herald:herald@127.0.0.1:5672/%s" % VHOST))
            channel = connection.channel()
            channel.confirm_delivery()
            channel.basic_publish(
                "", "herald.intake", json.dumps({"kind": "fault", "messages": messages}),
                pika.BasicProperties(delivery_mode=2, content_type="application/json", headers={
                    "Authorization": "Bearer " + key, "Idempotency-Key": "%s-%d" % (tag, number)}),
                mandatory=True)
            connection.close()
            return
        except Exception:
            time.sleep(0.5)
    raise RuntimeError("an intake publish was never confirmed")


def stored_by_reference(reference):
    return psql("select id from messages where reference = '%s'" % reference).split()


def final_counts(ids):
    listing = "','".join(ids)
    rows = psql("select channel, state, count(*) from messages where id in ('%s') group by 1, 2" % listing)
    counts = {}
    for line in rows.splitlines():
        channel, state, count = line.split("|")
        counts[(channel, state)] = int(count)
    return counts


def is_final(channel, state):
    return state in ("delivered", "undeliverable", "failed", "dead", "cancelled") or (state == "sent" and channel == "email")


CALLED_BACK = ("sent", "delivered", "undeliverable", "failed", "dead", "cancelled")


def callbacks_missing(ids):
    """State changes of these messages that the receiver has not had a callback for."""
    listing = "','".join(ids)
    rows = psql("select message_id, to_state from message_events where message_id in ('%s') and to_state in ('%s')"
                % (listing, "','".join(CALLED_BACK)))
    received = callbacks.snapshot()
    changes = [tuple(line.split("|")) for line in rows.splitlines()]
    return [change for change in changes if received.get(change, 0) == 0], len(changes)


def run_fault(name, fleet, key, strike, check=None):
    mail_before, sms_before, bad_before = mail.snapshot(), sms.snapshot(), bad_signatures.total()
    started = time.time()
    ids, intake = [], []
    accepting = threading.Thread(target=lambda: intake.extend(accept_wave(key, EMAILS, SMS)))
    accepting.start()
    # Strike once a third of the wave has reached the providers: senders are mid-batch by then.
    target = (EMAILS + SMS) // 3
    wait_for(lambda: (mail.total() - sum(mail_before.values())) + (sms.total() - sum(sms_before.values())) >= target,
             60, "a third of the wave at the providers")
    on_wire = strike(fleet)
    accepting.join()
    deadline = time.time() + DRAIN
    accepted_ids, reference, queued = intake
    # Requests published onto the intake are stored once each, kill or not; wait for them, then for the whole wave.
    while time.time() < deadline and len(stored_by_reference(reference)) < queued:
        time.sleep(0.5)
    ids = accepted_ids + stored_by_reference(reference)
    while time.time() < deadline:
        counts = final_counts(ids)
        pending = sum(c for (channel, state), c in counts.items() if not is_final(channel, state))
        if pending == 0 and sum(counts.values()) == len(ids):
            break
        time.sleep(0.5)
    while time.time() < deadline and callbacks_missing(ids)[0]:
        time.sleep(0.5)
    drained = time.time() - started
    missing, changes = callbacks_missing(ids)
    counts = final_counts(ids)
    stranded = sum(c for (channel, state), c in counts.items() if not is_final(channel, state))
    mail_now, sms_now = mail.snapshot(), sms.snapshot()
    email_ids = set(psql("select id from messages where channel = 'email' and id in ('%s')" % "','".join(ids)).split())
    received = {i: mail_now.get(i, 0) - mail_before.get(i, 0) for i in email_ids}
    received.update({i: sms_now.get(i, 0) - sms_before.get(i, 0) for i in ids if i not in email_ids})
    failed = sum(c for (channel, state), c in counts.items() if state in ("failed", "dead", "undeliverable"))
    lost = sum(1 for count in received.values() if count == 0)
    duplicates = sum(count - 1 for count in received.values() if count > 1)
    bound = on_wire if on_wire is not None else IN_FLIGHT_BOUND
    stored_http = int(psql("select count(*) from messages where reference = '%s'" % reference.replace("-intake", "-http")))
    twice = stored_http - len(accepted_ids)
    bad = bad_signatures.total() - bad_before
    ok = (len(ids) == EMAILS + SMS and lost == 0 and stranded == 0 and failed == 0 and duplicates <= bound and not missing
          and twice == 0 and bad == 0)
    extra = "  callbacks %d/%d  stored twice %d  bad signatures %d" % (changes - len(missing), changes, twice, bad)
    restarts = fleet.take_restarts()
    if restarts:
        extra += "  (restarted after exiting on their own: %s)" % ", ".join(
            "%s x%d (exit %d)" % (kind, count, status) for (kind, status), count in sorted(restarts.items()))
    if check:
        checked, text = check(ids)
        ok = ok and checked
        extra += text
    print("%-4s %-22s accepted %5d  lost %d  stranded %d  failed %d  duplicates %3d (bound %d)  drained in %5.1f s%s" % (
        "ok" if ok else "FAIL", name, len(ids), lost, stranded, failed, duplicates, bound, drained, extra), flush=True)
    return ok


METRICS = {
    19090: ["herald_messages_accepted_total", "herald_queue_messages", "herald_job_ledger_rows", "herald_intake_requests_total"],
    19091: ['herald_messages_total{stage="render"', "herald_render_seconds"],
    19092: ['herald_messages_total{stage="send.email"', "herald_accept_to_sent_seconds", "herald_provider_call_seconds"],
    19093: ['herald_messages_total{stage="send.sms"', "herald_accept_to_sent_seconds"],
    19094: ["herald_status_polls_total"],
    19095: ['herald_callbacks_total{outcome="delivered"', "herald_callback_seconds"],
}


def check_metrics(key):
    """Every process serves /metrics, /healthz and /readyz on its own address, with its counters moved by a small
    wave. Checked before the faults: a process restarted by a fault starts its counters again from nothing."""
    ids = []
    for number in range(2):
        channel = ["email", "sms"][number]
        to = {"email": "metrics@example.com"} if channel == "email" else {"phone": "+48600000001"}
        status, body = http("POST", "/v1/procedures", {"kind": "fault", "messages": [
            {"channel": channel, "to": to, "template": "fault-" + ("mail" if channel == "email" else "sms"),
             "variables": {"n": n}} for n in range(10)]}, key, "fault-metrics-%d" % number)
        if status != 202:
            raise RuntimeError("the metrics wave was refused: %d" % status)
        ids += body["message_ids"]
    wait_for(lambda: sum(c for (channel, state), c in final_counts(ids).items() if is_final(channel, state)) == len(ids)
             and not callbacks_missing(ids)[0], DRAIN, "the metrics wave final and called back")
    missing = []
    for port, names in METRICS.items():
        try:
            body = urllib.request.urlopen("http://127.0.0.1:%d/metrics" % port, timeout=5).read().decode()
            for path in ("/healthz", "/readyz"):
                urllib.request.urlopen("http://127.0.0.1:%d%s" % (port, path), timeout=5).read()
        except OSError as error:
            missing.append("%d: %s" % (port, error))
            continue
        missing += ["%d: %s" % (port, name) for name in names if name not in body]
    print("%-4s %-22s %s" % ("ok" if not missing else "FAIL", "metrics of each process", ", ".join(missing) or "all present"))
    return not missing


def kill_and_restart(kind):
    def strike(fleet):
        fleet.kill(kind)
        time.sleep(1)
        fleet.start(kind)
        return IN_FLIGHT_BOUND if kind in ("herald-email", "herald-sms") else 0
    return strike


def broker_restart(fleet):
    subprocess.run(["rabbitmqctl", "-q", "stop_app"], check=True)
    time.sleep(2)
    subprocess.run(["rabbitmqctl", "-q", "start_app"], check=True)
    subprocess.run(["rabbitmqctl", "-q", "await_startup"], check=True)
    # Publisher confirms outstanding at the restart are published again: duplicates are what was on the wire.
    return IN_FLIGHT_BOUND * 2


def database_restart(mode):
    def strike(fleet):
        version = sorted(os.listdir("/usr/lib/postgresql"), key=lambda v: int(v))[-1]
        subprocess.run(["pg_ctlcluster", version, "main", "restart", "-m", mode], check=True, capture_output=True)
        return IN_FLIGHT_BOUND * 2
    return strike


def smtp_drops(fleet):
    """For 5 s the SMTP server hangs up or stalls after DATA on every 50th address: those are retried (and go
    through once it stops); the sessions of the other messages must not notice."""
    DROPPING.set()
    threading.Timer(5, DROPPING.clear).start()
    return 0


def healthy_sent_once(ids):
    """The messages the SMTP server did not drop were each sent at the first attempt."""
    rows = psql("select to_address, attempts from messages where channel = 'email' and id in ('%s')" % "','".join(ids))
    slowed = sum(1 for line in rows.splitlines()
                 if address_number(line.split("|")[0]) % DROP_EVERY != 0 and int(line.split("|")[1]) > 1)
    drops = len(dropped.snapshot())
    return slowed == 0 and drops > 0, "  (%d sessions dropped; %d other emails needed a second attempt)" % (drops, slowed)


FAULTS = [
    ("kill -9 herald-email", kill_and_restart("herald-email")),
    ("kill -9 herald-sms", kill_and_restart("herald-sms")),
    ("kill -9 herald-renderer", kill_and_restart("herald-renderer")),
    ("kill -9 herald-api", kill_and_restart("herald-api")),
    ("kill -9 herald-poller", kill_and_restart("herald-poller")),
    ("kill -9 herald-callbacks", kill_and_restart("herald-callbacks")),
    ("broker restart", broker_restart),
    ("database restart fast", database_restart("fast")),
    ("database restart immediate", database_restart("immediate")),
    ("smtp drops after DATA", smtp_drops, healthy_sent_once),
]


def main():
    (fleet_module.PORTS["smtp"], fleet_module.PORTS["tyntec"], fleet_module.PORTS["callbacks"],
     stop_providers) = providers.start()

    psql("drop database if exists %s" % DB, database="postgres")
    psql("create database %s owner herald" % DB, database="postgres")
    vhosts = subprocess.run(["rabbitmqctl", "-q", "list_vhosts"], check=True, capture_output=True, text=True).stdout
    if VHOST not in vhosts.split():
        subprocess.run(["rabbitmqctl", "-q", "add_vhost", VHOST], check=True)
    subprocess.run(["rabbitmqctl", "-q", "set_permissions", "-p", VHOST, "herald", ".*", ".*", ".*"], check=True)
    for queue in ("herald.render", "herald.send.email", "herald.send.sms", "herald.callback", "herald.intake"):
        subprocess.run(["rabbitmqctl", "-q", "purge_queue", "-p", VHOST, queue], capture_output=True)
    subprocess.run([os.path.join(BIN, "herald"), "ctl", "migrate"], env=env(), check=True, capture_output=True)
    subprocess.run([os.path.join(BIN, "herald"), "ctl", "topology"], env=env(), check=True, capture_output=True)
    # A tenant of its own, with limits far above the waves, whose state changes are called back.
    subprocess.run([os.path.join(BIN, "herald"), "ctl", "tenants", "create", "fault", "--rate-limit", "10000000",
                    "--burst", "100000"], env=env(), check=True, capture_output=True)
    key = subprocess.run([os.path.join(BIN, "herald"), "ctl", "keys", "create", "fault", "--tenant", "fault"], env=env(),
                         check=True, capture_output=True, text=True).stdout.strip().splitlines()[-1]

    fleet = Fleet(BIN)
    fleet.start_all()
    passed = failed = 0
    try:
        http("PUT", "/v1/templates/fault-mail", {"channel": "email", "subject": "Fault {{n}}", "text": "Message {{n}}"}, key)
        http("PUT", "/v1/templates/fault-sms", {"channel": "sms", "text": "SMS {{n}}"}, key)
        http("PUT", "/v1/callback", {"url": "http://127.0.0.1:%d/herald" % fleet_module.PORTS["callbacks"],
                                     "secret": "fault-callback-secret"}, key)
        ok = check_metrics(key)
        passed, failed = passed + ok, failed + (not ok)
        for name, strike, *check in FAULTS:
            if ONLY and not any(o in name for o in ONLY):
                continue
            try:
                ok = run_fault(name, fleet, key, strike, *check)
            except Exception as error:
                print("FAIL %-22s %s" % (name, error), flush=True)
                ok = False
            passed, failed = passed + ok, failed + (not ok)
    finally:
        fleet.stop_all()
        stop_providers()
    print("fault: %d passed, %d failed" % (passed, failed))
    sys.exit(0 if failed == 0 else 1)


if __name__ == "__main__":
    main()
