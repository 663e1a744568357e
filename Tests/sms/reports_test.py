"""Delivery reports pushed: the fleet's own processes against the Tyntec stand-in of the fault test (not written by the
project), which pushes each SMS's reports to the `callbackUrl` it was sent with and retries what gets no 2xx, as
Tyntec does.

- Reports flowing: 1,000 SMS all final, the poller's requests under 5% of the messages.
- Reports lost: every SMS still final, by polling once the grace period (HERALD_RECEIPT_GRACE_SECONDS) has passed.
- Reports duplicated, reordered and late: exactly one event per real state change, none after the final state, and
  one callback per final state; a REJECTED report ends the message `undeliverable` with Tyntec's reason.
- A forged token, one signed with another secret and one of the wrong shape: 404, nothing changes.
- kill -9 of herald-api while the stand-in pushes 2,000 SMS's reports and 200 inbound SMS: every report and every
  inbound SMS applied exactly once.
- No log line of any process carries a phone number.

Prints one line per check and a closing "N passed, N failed".
"""
import hashlib
import hmac
import os
import sys
import time
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fault"))
import fleet as fleet_module  # noqa: E402
import providers  # noqa: E402

API = "127.0.0.1:18580"
SECRET = "report-secret-" + uuid.uuid4().hex
INBOUND_TOKEN = "tyntec-inbound-" + uuid.uuid4().hex
GRACE = 5
fleet_module.use("herald_reports", "herald-reports", API, ".herald/reports", {
    "HERALD_PUBLIC_URL": "http://" + API, "HERALD_TOKEN_SECRET": SECRET, "HERALD_RECEIPT_GRACE_SECONDS": str(GRACE),
    "HERALD_TYNTEC_INBOUND_TOKEN": INBOUND_TOKEN, "LOG_LEVEL": "info"})
from fleet import Checks, Fleet, accept_each, http, log_lines_matching, psql, wait_for  # noqa: E402

BIN = sys.argv[1]
NUMBER = "+4915200000001"
check = Checks("delivery reports")


def ctl(*arguments):
    return fleet_module.ctl(BIN, *arguments)


def send_all(key, phones):
    return accept_each(key, [{"channel": "sms", "to": {"phone": phone}, "template": "note"} for phone in phones])


def states(ids):
    rows = psql("select state, count(*) from messages where id in (%s) group by state"
                % ",".join("'%s'" % i for i in ids))
    return {line.split("|")[0]: int(line.split("|")[1]) for line in rows.splitlines() if line}


def wait_final(ids, seconds, what):
    wait_for(lambda: sum(n for s, n in states(ids).items() if s in ("delivered", "undeliverable")) == len(ids),
             seconds, what)


def histories(ids):
    """Each message's events after it was sent, oldest first, as 'from>to'."""
    rows = psql("""select message_id, string_agg(from_state || '>' || to_state, ',' order by id) from message_events
                   where message_id in (%s) and from_state = 'sent' group by message_id"""
                % ",".join("'%s'" % i for i in ids))
    found = {line.split("|")[0]: line.split("|")[1].split(",") for line in rows.splitlines() if line}
    return {i: found.get(i, []) for i in ids}


def well_formed(history):
    """At most one BUFFERED (sent>sent) and then exactly one final state, which is the last event."""
    finals = [e for e in history if e in ("sent>delivered", "sent>undeliverable")]
    return len(finals) == 1 and history[-1] == finals[0] and history.count("sent>sent") <= 1 \
        and len(history) == 1 + history.count("sent>sent")


def phones(prefix, count):
    return ["+48%s%06d" % (prefix, n) for n in range(count)]


def check_flowing(key):
    providers.REPORTS["mode"] = "push"
    polls = providers.TyntecHandler.poll_count()
    ids = send_all(key, phones("601", 1000))
    wait_final(ids, 120, "1,000 SMS to be final")
    wait_for(providers.pusher.idle, 30, "the stand-in's reports to be acknowledged")
    polled = providers.TyntecHandler.poll_count() - polls
    bad = [i for i, h in histories(ids).items() if not well_formed(h)]
    check("reports pushed: 1,000 SMS delivered", states(ids) == {"delivered": 1000}, str(states(ids)))
    check("... each with one event per change", not bad, "%d otherwise, e.g. %s" % (
        len(bad), histories(bad[:1]) if bad else ""))
    check("... polls under 5% of the messages", polled < 50, "%d polls for 1,000 SMS" % polled)


def check_lost(key):
    providers.REPORTS["mode"] = "off"
    polls = providers.TyntecHandler.poll_count()
    started = time.time()
    ids = send_all(key, phones("602", 50))
    check_forged(key, ids[0])
    wait_final(ids, 60, "SMS without reports to be final by polling")
    took = time.time() - started
    polled = providers.TyntecHandler.poll_count() - polls
    check("reports lost: all delivered by polling", states(ids) == {"delivered": 50} and polled >= 50,
          "%s, %d polls, after %.1f s (grace %d s)" % (states(ids), polled, took, GRACE))
    check("... and not polled before the grace period", took >= GRACE, "%.1f s" % took)


def token(message_id, secret):
    hex_id = message_id.replace("-", "")
    signature = hmac.new(secret.encode(), ("tyntec-report:" + hex_id).encode(), hashlib.sha256).hexdigest()[:32]
    return hex_id + "." + signature


def check_forged(key, message_id):
    wait_for(lambda: states([message_id]) == {"sent": 1}, 30, "the SMS to be sent")
    request_id = psql("select request_id from sms_polls where message_id = '%s'" % message_id)
    report = {"requestId": request_id, "status": "DELIVERED"}
    real = token(message_id, SECRET)
    answers = [
        http("POST", "/v1/providers/tyntec/reports/" + real[:-1] + ("0" if real[-1] != "0" else "1"), report)[0],
        http("POST", "/v1/providers/tyntec/reports/" + token(message_id, "another-secret-of-enough-length!"), report)[0],
        http("POST", "/v1/providers/tyntec/reports/" + message_id, report)[0],
        http("POST", "/v1/providers/tyntec/reports/" + real.upper(), report)[0],
    ]
    check("forged report tokens are 404s", answers == [404] * 4, str(answers))
    check("... and change nothing", states([message_id]) == {"sent": 1}, str(states([message_id])))
    status, reply = http("POST", "/v1/providers/tyntec/reports/" + real, {"status": "DELIVERED"})
    check("a report without requestId is a 422", status == 422 and states([message_id]) == {"sent": 1}, str(status))


def check_chaos(key):
    providers.REPORTS["mode"] = "chaos"
    numbers = phones("603", 190) + ["+48604%03d9903" % n for n in range(10)]
    ids = send_all(key, numbers)
    wait_final(ids, 60, "SMS with chaotic reports to be final")
    wait_for(providers.pusher.idle, 30, "the stand-in's reports to be acknowledged")
    found = histories(ids)
    bad = {i: h for i, h in found.items() if not well_formed(h)}
    check("duplicated, reordered, late: one event per change", not bad, "%d otherwise, e.g. %s" % (
        len(bad), list(bad.items())[:1]))
    check("... REJECTED ends undeliverable", states(ids) == {"delivered": 190, "undeliverable": 10}, str(states(ids)))
    reason = psql("select last_error from messages where id = '%s'" % ids[-1])
    check("... with Tyntec's reason", "REJECTED" in reason and "13" in reason and "Call barred" in reason, reason)
    final_state = {i: ("undeliverable" if n.endswith("9903") else "delivered") for i, n in zip(ids, numbers)}
    wait_for(lambda: all(providers.callbacks.snapshot().get((i, s), 0) >= 1 for i, s in final_state.items()), 30,
             "the final states' callbacks")
    twice = [i for i, s in final_state.items() if providers.callbacks.snapshot().get((i, s)) != 1]
    sent_twice = [i for i in ids if providers.callbacks.snapshot().get((i, "sent"), 0) != 1]
    check("... one callback per final state, one for sent", not twice and not sent_twice,
          "%d final, %d sent otherwise" % (len(twice), len(sent_twice)))


def check_kill(key, fleet):
    providers.REPORTS["mode"] = "push"
    acknowledged = providers.pusher.acknowledged.total()
    ids = send_all(key, phones("605", 2000))
    inbound_ids = ["kill-%03d-%s" % (n, uuid.uuid4().hex[:8]) for n in range(200)]
    for n, request_id in enumerate(inbound_ids):
        providers.pusher.push("http://%s/v1/providers/tyntec/inbound/%s" % (API, INBOUND_TOKEN), {
            "requestId": request_id, "from": "+48606%06d" % n, "to": NUMBER, "message": "reply %d" % n, "size": 1,
            "missingParts": False, "contentList": [{"msgId": "1", "sentDate": "2026-12-03T10:00:00Z",
                                                    "sequenceNumber": 1}]}, ("inbound", request_id), delay=n * 0.01)
    wait_for(lambda: providers.pusher.acknowledged.total() - acknowledged >= 300, 60, "reports to flow")
    refused = providers.pusher.refused.total()
    fleet.kill("herald-api")
    time.sleep(1)  # herald-api stays down a while, so that pushes meet a closed port
    fleet.start("herald-api")
    wait_final(ids, 180, "2,000 SMS to be final after herald-api's kill -9")
    wait_for(providers.pusher.idle, 60, "the stand-in's pushes to be acknowledged")
    found = histories(ids)
    bad = [i for i, h in found.items() if not well_formed(h)]
    stored = psql("select count(*), count(distinct request_id) from inbound_messages where request_id like 'kill-%'")
    check("kill -9 of herald-api: 2,000 SMS delivered", states(ids) == {"delivered": 2000}, str(states(ids)))
    check("... each report applied exactly once", not bad, "%d otherwise, e.g. %s" % (
        len(bad), [found[i] for i in bad[:1]]))
    check("... 200 inbound SMS stored once each", stored == "200|200", stored)
    check("... pushes were refused while it was down", providers.pusher.refused.total() > refused,
          "%d refused" % (providers.pusher.refused.total() - refused))


def check_logs():
    found = log_lines_matching(r"\+?4860[1-6]\d{6}|4915200000001")
    check("no phone number in any log", not found, "; ".join(found[:3]))


def main():
    callback_port, stop_providers = fleet_module.start_providers()
    fleet_module.fresh_servers()
    ctl("migrate")
    ctl("topology")
    ctl("tenants", "create", "acme", "--rate-limit", "100000", "--burst", "10000")
    key = ctl("keys", "create", "acme", "--tenant", "acme").stdout.strip().splitlines()[-1]
    ctl("numbers", "add", "acme", NUMBER)
    fleet = Fleet(BIN)
    fleet.start_all()
    try:
        status, _ = http("PUT", "/v1/callback", {"url": "http://127.0.0.1:%d/acme" % callback_port,
                                                 "secret": providers.CALLBACK_SECRET["value"]}, key)
        assert status == 200, status
        assert http("PUT", "/v1/templates/note", {"channel": "sms", "text": "Note"}, key)[0] in (200, 201)
        check.run((("flowing", lambda: check_flowing(key)), ("lost", lambda: check_lost(key)),
                   ("chaos", lambda: check_chaos(key)), ("kill", lambda: check_kill(key, fleet))))
    finally:
        fleet.stop_all()
        stop_providers()
    check_logs()
    check.finish()


if __name__ == "__main__":
    main()
