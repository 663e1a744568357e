"""Replies and the suppression list: the fleet's own processes against the Tyntec stand-in of the fault test (not
written by the project), with Tyntec's inbound webhook (InboundMessage) POSTed as Tyntec posts it.

- `herald ctl numbers` ties numbers to tenants; a number belongs to one tenant.
- Inbound SMS: a wrong token is a 404; a number no tenant has is answered 200 and dropped; the same requestId twice is
  stored once; each tenant lists only its own (`GET /v1/inbound`), and gets it at its callback receiver (signed).
- STOP in several spellings (case, punctuation, accents, a configured extra word) suppresses the sender's number for
  that tenant: its next SMS ends `suppressed` and never reaches Tyntec, while another tenant's SMS to the same number
  goes, and `suppressed` reaches the callback; a sentence that merely contains "stop" changes nothing; START lifts it
  and the next SMS goes.
- The suppression API: PUT (manual, an email address in any case, a number with its + encoded or not), GET with
  filters, DELETE; a suppressed email ends `suppressed` and never reaches the SMTP server.
- SMS texts: a curly-quote template is GSM-7 and one part (template answer and preview), a Polish letter makes it
  UCS-2; an alphanumeric sender to a +1 number is a 422 naming `from`, and the default sender to one fails before
  reaching Tyntec.
- Quiet hours: an SMS with a time zone (to.timezone, or a recipient's given one) due inside them is held `scheduled`
  with an event saying until when, and goes when they end; an urgent one and one without a zone are not held.
- No log line of any process carries a phone number or an address.

Prints one line per check and a closing "N passed, N failed".
"""
import datetime
import json
import os
import sys
import urllib.parse
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fault"))
import fleet as fleet_module  # noqa: E402
import providers  # noqa: E402

TOKEN = "tyntec-inbound-" + uuid.uuid4().hex
fleet_module.use("herald_smsloop", "herald-smsloop", "127.0.0.1:18480", ".herald/smsloop", {
    "LOG_LEVEL": "info", "HERALD_TYNTEC_INBOUND_TOKEN": TOKEN, "HERALD_SMS_STOP_WORDS": "NIE"})
from fleet import Checks, Fleet, http, log_lines_matching, wait_for  # noqa: E402

BIN = sys.argv[1]
NUMBERS = {"acme": "+4915200000001", "other": "+4915200000002"}
check = Checks("sms loop", width=40)


def ctl(*arguments, ok=True):
    return fleet_module.ctl(BIN, *arguments, ok=ok)


def inbound(to, sender, text, request_id=None, token=TOKEN):
    return http("POST", "/v1/providers/tyntec/inbound/" + token, {
        "requestId": request_id or str(uuid.uuid4()), "from": sender, "to": to, "message": text, "size": 1,
        "missingParts": False, "contentList": [{"msgId": "1", "sentDate": "2026-12-03T10:00:00Z", "sequenceNumber": 1}]})


def send_sms(key, phone):
    status, reply = http("POST", "/v1/messages", {"channel": "sms", "to": {"phone": phone}, "template": "note",
                                                  "variables": {}}, key, idempotency_key=str(uuid.uuid4()))
    assert status == 202, (status, reply)
    return reply["id"]


def send_email(key, address):
    status, reply = http("POST", "/v1/messages", {"channel": "email", "to": {"email": address}, "template": "mail",
                                                  "variables": {}}, key, idempotency_key=str(uuid.uuid4()))
    assert status == 202, (status, reply)
    return reply["id"]


def state_of(key, message_id):
    return http("GET", "/v1/messages/" + message_id, key=key)[1]["state"]


def final(key, message_id, states):
    wait_for(lambda: state_of(key, message_id) in states, 30, "message %s to reach %s" % (message_id, states))
    return state_of(key, message_id)


def suppressed_numbers(key):
    status, body = http("GET", "/v1/suppressions?channel=sms", key=key)
    assert status == 200, (status, body)
    return {entry["address"]: entry["reason"] for entry in body["suppressions"]}


def check_numbers():
    taken = ctl("numbers", "add", "other", NUMBERS["acme"], ok=False)
    lines = taken.stderr.strip().splitlines()
    check("a number belongs to one tenant", taken.returncode != 0 and len(lines) == 1 and "belongs" in lines[0],
          lines[0] if lines else "exit %d" % taken.returncode)
    listed = ctl("numbers", "list", "acme").stdout.split()
    check("numbers list", listed == [NUMBERS["acme"]], str(listed))


def check_inbound(keys):
    status, _ = inbound(NUMBERS["acme"], "+48601000001", "hello", token="not-the-token-" + uuid.uuid4().hex)
    before = http("GET", "/v1/inbound", key=keys["acme"])[1]["inbound"]
    check("a wrong token is a 404 and stores nothing", status == 404 and before == [], "status %s" % status)
    status, reply = inbound("+4915299999999", "+48601000001", "STOP")
    check("a number no tenant has: 200, dropped", status == 200 and "dropped" in reply.get("status", ""), str(reply))
    request_id = str(uuid.uuid4())
    first = inbound(NUMBERS["acme"], "+48601000001", "Hello there", request_id)
    second = inbound(NUMBERS["acme"], "+48601000001", "Hello there", request_id)
    listed = http("GET", "/v1/inbound", key=keys["acme"])[1]["inbound"]
    check("the same requestId twice is stored once",
          first[0] == 200 and second[0] == 200 and second[1]["status"] == "duplicate" and len(listed) == 1,
          "%s %s, listed %d" % (first, second, len(listed)))
    other = http("GET", "/v1/inbound", key=keys["other"])[1]["inbound"]
    check("a tenant sees only its own inbound SMS", other == [] and listed[0]["to"] == NUMBERS["acme"]
          and listed[0]["from"] == "+48601000001", "other sees %d" % len(other))
    inbound_id = first[1]["id"]
    wait_for(lambda: providers.callbacks.snapshot().get((inbound_id, "inbound"), 0) >= 1, 30,
             "the inbound SMS's callback")
    check("an inbound SMS is called back once, signed", providers.callbacks.snapshot().get((inbound_id, "inbound")) == 1
          and providers.bad_signatures.total() == 0, str(providers.callbacks.snapshot().get((inbound_id, "inbound"))))


def check_stop(keys):
    spellings = {"+48601000011": "STOP", "+48601000012": " stop! ", "+48601000013": "Arrêt.", "+48601000014": "nie",
                 "+48601000015": "UnSubscribe"}
    for phone, text in spellings.items():
        status, reply = inbound(NUMBERS["acme"], phone, text)
        assert status == 200 and reply["status"] == "stored", (status, reply)
    inbound(NUMBERS["acme"], "+48601000016", "please stop texting me on Sundays")
    listed = suppressed_numbers(keys["acme"])
    expected = {phone: "unsubscribe" for phone in spellings}
    check("stop words in several spellings suppress", listed == expected, str(listed))
    check("another tenant's list is untouched", suppressed_numbers(keys["other"]) == {})

    sms_before = providers.sms.snapshot()
    stopped = [send_sms(keys["acme"], phone) for phone in spellings]
    plain = send_sms(keys["acme"], "+48601000016")
    elsewhere = send_sms(keys["other"], "+48601000011")
    states = [final(keys["acme"], i, ("suppressed", "sent", "delivered", "failed")) for i in stopped]
    reached = [i for i in stopped if providers.sms.snapshot().get(i, 0) > sms_before.get(i, 0)]
    check("a stopped number's SMS ends suppressed", states == ["suppressed"] * len(stopped), str(states))
    wait_for(lambda: providers.sms.snapshot().get(plain, 0) == 1 and providers.sms.snapshot().get(elsewhere, 0) == 1,
             30, "the SMS to unstopped numbers to reach Tyntec")
    check("... and never reaches Tyntec, while others' do", not reached, "reached: %s" % reached)
    status, body = http("GET", "/v1/messages/" + stopped[0], key=keys["acme"])
    wait_for(lambda: all(providers.callbacks.snapshot().get((i, "suppressed"), 0) >= 1 for i in stopped), 30,
             "the suppressed messages' callbacks")
    check("suppressed is called back, once each", all(providers.callbacks.snapshot().get((i, "suppressed")) == 1
                                                        for i in stopped))
    check("the suppressed state is visible with its reason", body["state"] == "suppressed"
          and "suppression list" in (body.get("last_error") or ""), str(body.get("last_error")))

    status, reply = inbound(NUMBERS["acme"], "+48601000011", "Start")
    after = suppressed_numbers(keys["acme"])
    resumed = send_sms(keys["acme"], "+48601000011")
    wait_for(lambda: providers.sms.snapshot().get(resumed, 0) == 1, 30, "the SMS after START to reach Tyntec")
    check("START lifts the stop", status == 200 and "+48601000011" not in after and len(after) == len(spellings) - 1,
          str(after))


def check_suppression_api(keys):
    key = keys["acme"]
    status, entry = http("PUT", "/v1/suppressions/email/" + urllib.parse.quote("Someone@Example.COM"),
                         {"note": "asked by phone"}, key)
    check("PUT suppresses an email address (lower-cased)", status == 200 and entry["address"] == "someone@example.com"
          and entry["reason"] == "manual", "%s %s" % (status, entry))
    status, again = http("PUT", "/v1/suppressions/email/someone@example.com", None, key)
    check("PUT is idempotent", status == 200 and again["address"] == "someone@example.com", str(status))
    mail_before = providers.mail.total()
    blocked = send_email(key, "someone@example.com")
    sent = send_email(key, "someone-else@example.com")
    check("a suppressed email ends suppressed", final(key, blocked, ("suppressed", "sent", "failed")) == "suppressed")
    final(key, sent, ("sent", "failed"))
    check("... and never reaches the SMTP server", providers.mail.total() == mail_before + 1,
          "%d mails" % (providers.mail.total() - mail_before))
    status, listed = http("GET", "/v1/suppressions?channel=email&address=SOMEONE%40example.com", key=key)
    check("GET finds it by address", status == 200 and [e["address"] for e in listed["suppressions"]] == ["someone@example.com"])
    status, _ = http("GET", "/v1/suppressions?reason=sometimes", key=key)
    check("a bad filter is a 400", status == 400, str(status))
    check("another tenant cannot delete it", http("DELETE", "/v1/suppressions/email/someone@example.com",
                                                   key=keys["other"])[0] == 404)
    status, _ = http("DELETE", "/v1/suppressions/email/someone@example.com", key=key)
    again = send_email(key, "someone@example.com")
    check("DELETE lets mail through again", status == 204 and final(key, again, ("sent", "failed", "suppressed")) == "sent")
    status, entry = http("PUT", "/v1/suppressions/sms/%2B48601000099", {"category": "reminders"}, key)
    deleted = http("DELETE", "/v1/suppressions/sms/+48601000099", key=key)[0]
    check("a number with its + encoded or not", status == 200 and entry["address"] == "+48601000099"
          and entry["category"] == "reminders" and deleted == 204, "%s %s %s" % (status, entry, deleted))
    status, _ = http("PUT", "/v1/suppressions/fax/123", None, key)
    check("an unknown channel is a 404", status == 404, str(status))


def check_texts(keys):
    key = keys["acme"]
    text = "Case \u201c{{case}}\u201d isn\u2019t closed \u2013 see the mail\u2026"
    status, template = http("PUT", "/v1/templates/curly", {"channel": "sms", "text": text}, key)
    check("a curly-quote template is GSM-7, one part", status in (200, 201) and template.get("encoding") == "GSM-7"
          and template.get("segments") == 1, "%s %s" % (status, template))
    status, preview = http("POST", "/v1/templates/curly/preview", {"variables": {"case": "2026/117"}}, key)
    check("... and so is its preview", status == 200 and preview.get("encoding") == "GSM-7" and preview.get("segments") == 1
          and preview.get("text") == 'Case "2026/117" isn\'t closed - see the mail...', str(preview))
    status, polish = http("PUT", "/v1/templates/polish", {"channel": "sms", "text": "Zażółć {{x}}"}, key)
    check("a Polish letter makes it UCS-2", polish.get("encoding") == "UCS-2", str(polish))
    status, reply = http("POST", "/v1/messages", {"channel": "sms", "to": {"phone": "+12025550123"}, "from": "CityHall",
                                                   "template": "note", "variables": {}}, key, idempotency_key=str(uuid.uuid4()))
    names = [p["name"] for p in json.loads(reply).get("invalid-params", [])] if status == 422 else []
    check("an alphanumeric sender to +1 is a 422 naming from", status == 422 and names == ["from"], "%s %s" % (status, names))
    status, reply = http("POST", "/v1/messages", {"channel": "sms", "to": {"phone": "+48601000077"}, "from": "12345",
                                                   "template": "note", "variables": {}}, key, idempotency_key=str(uuid.uuid4()))
    check("a sender id without a letter is a 422", status == 422, str(status))
    before = providers.sms.snapshot()
    default_sender = send_sms(key, "+12025550124")
    state = final(key, default_sender, ("failed", "sent", "delivered"))
    body = http("GET", "/v1/messages/" + default_sender, key=key)[1]
    check("the default sender to +1 fails before Tyntec", state == "failed" and "+1" in (body.get("last_error") or "")
          and providers.sms.snapshot().get(default_sender, 0) == before.get(default_sender, 0), "%s: %s" % (state, body.get("last_error")))


def check_quiet_hours(keys):
    key = keys["acme"]
    check("no quiet hours at first", http("GET", "/v1/quiet-hours", key=key) == (200, {}))
    status, reply = http("PUT", "/v1/quiet-hours", {"sms": {"start": "21:00", "end": "21:00"}}, key)
    names = [p["name"] for p in json.loads(reply).get("invalid-params", [])] if status == 422 else []
    check("hours that never end are a 422 naming the channel", status == 422 and names == ["sms"], "%s %s" % (status, names))
    # Hours that hold now in UTC and end one or two minutes from now: at least 30 s away.
    now = datetime.datetime.now(datetime.timezone.utc)
    end = (now + datetime.timedelta(minutes=1 if now.second < 30 else 2)).replace(second=0, microsecond=0)
    start = now - datetime.timedelta(hours=1)
    window = {"start": start.strftime("%H:%M"), "end": end.strftime("%H:%M")}
    status, reply = http("PUT", "/v1/quiet-hours", {"sms": window}, key)
    check("PUT quiet hours", status == 200 and reply == {"sms": window}, "%s %s" % (status, reply))

    def sms(phone, **extra):
        to = {"phone": phone}
        if "timezone" in extra:
            to["timezone"] = extra.pop("timezone")
        status, reply = http("POST", "/v1/messages", dict({"channel": "sms", "to": to, "template": "note", "variables": {}},
                                                          **extra), key, idempotency_key=str(uuid.uuid4()))
        assert status == 202, (status, reply)
        return reply["id"]
    held = sms("+48601000031", timezone="UTC")
    urgent = sms("+48601000032", timezone="UTC", urgent=True)
    unzoned = sms("+48601000033")
    status, _ = http("PUT", "/v1/recipients/quiet-ola", {"phone": "+48601000034", "timezone": "Etc/UTC",
                                                          "preference": "immediate"}, key)
    assert status in (200, 201), status
    status, notified = http("POST", "/v1/notifications", {"recipient": "quiet-ola", "template": "note"}, key,
                            idempotency_key=str(uuid.uuid4()))
    message = http("GET", "/v1/messages/" + held, key=key)[1]
    detail = message["events"][0]["detail"] or ""
    check("an SMS in quiet hours is held scheduled", message["state"] == "scheduled" and "quiet hours" in detail
          and message["send_at"].startswith(end.strftime("%Y-%m-%dT%H:%M")), "%s %s: %s" % (message["state"],
                                                                                            message["send_at"], detail))
    check("... and so is a notification to a recipient with a zone", status == 202 and notified["state"] == "scheduled",
          str(notified))
    states = [final(key, i, ("sent", "delivered", "failed")) for i in (urgent, unzoned)]
    check("an urgent SMS and one without a zone are not held", all(s in ("sent", "delivered") for s in states), str(states))
    wait_for(lambda: state_of(key, held) in ("sent", "delivered"), 150, "the held SMS to go when the hours end")
    events = http("GET", "/v1/messages/" + held, key=key)[1]["events"]
    released = [e["at"] for e in events if e["to"] == "queued"]
    check("... released when the hours end", released and released[0] >= end.strftime("%Y-%m-%dT%H:%M:%S"),
          "queued at %s, hours end %s" % (released, end.isoformat()))
    check("DELETE removes the hours", http("DELETE", "/v1/quiet-hours", key=key)[0] == 204
          and http("GET", "/v1/quiet-hours", key=key) == (200, {}))


def check_logs():
    found = log_lines_matching(r"\+?4860100\d{4}|\+?120255501\d\d|someone@example|someone-else@example")
    check("no number or address in any log", not found, "; ".join(found[:3]))


def main():
    callback_port, stop_providers = fleet_module.start_providers()
    fleet_module.fresh_servers()
    ctl("migrate")
    ctl("topology")
    keys = {}
    for name in ("acme", "other"):
        ctl("tenants", "create", name, "--rate-limit", "100000", "--burst", "10000")
        keys[name] = ctl("keys", "create", name, "--tenant", name).stdout.strip().splitlines()[-1]
        ctl("numbers", "add", name, NUMBERS[name])
    fleet = Fleet(BIN)
    fleet.start_all()
    try:
        status, _ = http("PUT", "/v1/callback", {"url": "http://127.0.0.1:%d/acme" % callback_port,
                                                 "secret": providers.CALLBACK_SECRET["value"]}, keys["acme"])
        assert status == 200, status
        for key in keys.values():
            assert http("PUT", "/v1/templates/note", {"channel": "sms", "text": "Note"}, key)[0] in (200, 201)
            assert http("PUT", "/v1/templates/mail", {"channel": "email", "subject": "Mail", "text": "Mail"}, key)[0] in (200, 201)
        check.run((("numbers", check_numbers), ("inbound", lambda: check_inbound(keys)),
                   ("stop", lambda: check_stop(keys)), ("suppressions", lambda: check_suppression_api(keys)),
                   ("texts", lambda: check_texts(keys)), ("quiet hours", lambda: check_quiet_hours(keys))))
    finally:
        fleet.stop_all()
        stop_providers()
    check_logs()
    check.finish()


if __name__ == "__main__":
    main()
