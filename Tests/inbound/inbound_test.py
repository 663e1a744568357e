"""Bounces, complaints, sending domains and DKIM, end to end through a real MTA: the fleet's own processes send
through a private Postfix (scripts/postfix.sh: Debian's package, loopback only), which delivers example.test's known
users to Maildirs, accepts unknown users and then bounces them itself, with its own DSN, to each email's signed
bounce address, and routes the bounce domains to herald-inbound.

- The tenant acme sends from its own domain (herald ctl domains add, tenants sender), signed by an RSA and an
  Ed25519 key (herald ctl dkim create): a delivered copy's signatures both verify with dkimpy given the DNS records
  the command printed, and its Return-Path is at the domain's return-path domain; a `from` in another domain is a
  422 naming `from` and the domain.

- An unknown user's email ends `bounced` with Postfix's status, the address is suppressed (hard_bounce, expiring as
  HERALD_HARD_BOUNCE_SUPPRESSION_DAYS says), the tenant is called back; a second email to it ends `suppressed` and
  Postfix logs no new delivery for it. A known user's email is delivered with the bounce address as Return-Path.
- One-click unsubscribe: an unsubscribe template's email carries List-Unsubscribe (the signed link and a mailto)
  and List-Unsubscribe-Post, signed, and `{{unsubscribe_url}}` in its body; GET of the link changes nothing, POST
  suppresses the address for the template's category, the next such email ends `suppressed` while mail from other
  templates still goes; mail to the mailto unsubscribes too; a forged link is a 404.
- A delay notice is an event and nothing more; an ARF report ends the message `complained` and suppresses it.
- A forged bounce address and any other recipient are refused (550 5.7.1: never a relay); a report whose recipient
  is not the message's (another tenant's message) is dropped; malformed, 8-bit, oversized and header-bomb mail is
  refused or dropped and counted, and herald-inbound goes on.
- kill -9 of herald-inbound while Postfix hands it 1,000 bounces: each recorded exactly once (Postfix retries what
  got no 250).
- No log line of any process carries an address.

Prints one line per check and a closing "N passed, N failed".
"""
import concurrent.futures
import email
import json
import os
import re
import smtplib
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid

import dkim

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fault"))
import fleet as fleet_module  # noqa: E402
import providers  # noqa: E402

API = "127.0.0.1:18680"
POSTFIX_PORT = 12587
INBOUND_PORT = 12526
BOUNCE_DOMAIN = "bounces.test"
ACME_DOMAIN, ACME_RETURN_PATH = "acme.test", "bounces.acme.test"
SECRET = "bounce-secret-" + uuid.uuid4().hex
MAX_BYTES = 65536
SUPPRESSION_DAYS = 30
KNOWN = ["known%d" % n for n in range(1, 9)]
ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
POSTFIX_DIR = os.path.join(ROOT, ".herald", "postfix")
fleet_module.use("herald_inbound", "herald-inbound", API, ".herald/inbound", {
    "HERALD_SMTP_URL": "smtp://127.0.0.1:%d" % POSTFIX_PORT, "HERALD_SMTP_FROM": "Herald <herald@fleet.test>",
    "HERALD_BOUNCE_DOMAIN": BOUNCE_DOMAIN, "HERALD_TOKEN_SECRET": SECRET,
    "HERALD_INBOUND_SMTP_ADDRESS": "127.0.0.1:%d" % INBOUND_PORT, "HERALD_INBOUND_MAX_BYTES": str(MAX_BYTES),
    "HERALD_HARD_BOUNCE_SUPPRESSION_DAYS": str(SUPPRESSION_DAYS), "HERALD_PUBLIC_URL": "http://" + API,
    "LOG_LEVEL": "info"})
from fleet import Checks, Fleet, accept_each, http, log_lines_matching, psql, wait_for  # noqa: E402

BIN = sys.argv[1]
KINDS = ["herald-api", "herald-renderer", "herald-email", "herald-callbacks", "herald-inbound"]
check = Checks("inbound")


def ctl(*arguments, ok=True):
    return fleet_module.ctl(BIN, *arguments, ok=ok)


def send(key, addresses, template="note"):
    return accept_each(key, [{"channel": "email", "to": {"email": a}, "template": template} for a in addresses])


def state(message_id):
    return psql("select state from messages where id = '%s'" % message_id)


def states(ids):
    rows = psql("select state, count(*) from messages where id in (%s) group by state" % ",".join("'%s'" % i for i in ids))
    return {line.split("|")[0]: int(line.split("|")[1]) for line in rows.splitlines() if line}


def bounce_address(message_id):
    """The envelope sender herald-email gave the message, as Postfix logged it."""
    return BOUNCE_ADDRESSES.get(message_id) or find_bounce_address(message_id)


BOUNCE_ADDRESSES = {}


def find_bounce_address(message_id):
    hex_id = message_id.replace("-", "")
    with open(os.path.join(POSTFIX_DIR, "maillog"), errors="replace") as log:
        found = re.search(r"from=<(b\.%s\.[0-9a-f]{20}@[a-z.]+)>" % hex_id, log.read())
    if not found:
        raise RuntimeError("Postfix logged no envelope sender for %s" % message_id)
    BOUNCE_ADDRESSES[message_id] = found.group(1)
    return found.group(1)


def postfix_deliveries(address):
    with open(os.path.join(POSTFIX_DIR, "maillog"), errors="replace") as log:
        return len(re.findall(r"to=<%s>" % re.escape(address), log.read()))


def suppression(address):
    return psql("""select reason, message_id, round(extract(epoch from expires_at - created_at) / 86400)
                   from suppressions where address = '%s'""" % address)


def inbound_smtp():
    return smtplib.SMTP("127.0.0.1", INBOUND_PORT, timeout=10)


def dsn(recipient, action="failed", status="5.1.1", boundary="b0undary"):
    return ("From: MAILER-DAEMON@mx.example.net\r\nSubject: Delivery Status Notification\r\nMIME-Version: 1.0\r\n"
            "Content-Type: multipart/report; report-type=delivery-status; boundary=\"%s\"\r\n\r\n"
            "--%s\r\nContent-Type: text/plain\r\n\r\nNot delivered yet.\r\n"
            "--%s\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example.net\r\n\r\n"
            "Final-Recipient: rfc822; %s\r\nAction: %s\r\nStatus: %s\r\nDiagnostic-Code: smtp; 451 4.4.1 try later\r\n"
            "\r\n--%s--\r\n" % (boundary, boundary, boundary, recipient, action, status, boundary))


def arf(recipient):
    return ("From: feedback@mailbox.example\r\nSubject: complaint\r\nMIME-Version: 1.0\r\n"
            "Content-Type: multipart/report; report-type=feedback-report; boundary=\"arf\"\r\n\r\n"
            "--arf\r\nContent-Type: text/plain\r\n\r\nA complaint.\r\n"
            "--arf\r\nContent-Type: message/feedback-report\r\n\r\nFeedback-Type: abuse\r\nUser-Agent: Test/1.0\r\n"
            "Version: 1\r\nOriginal-Rcpt-To: <%s>\r\n\r\n"
            "--arf\r\nContent-Type: text/rfc822-headers\r\n\r\nSubject: Note\r\n\r\n--arf--\r\n" % recipient)


def inbound_counts():
    body = urllib.request.urlopen("http://127.0.0.1:19096/metrics", timeout=5).read().decode()
    return {kind: float(value) for kind, value in re.findall(r'herald_inbound_reports_total\{kind="(\w+)"\} (\S+)', body)}


def delivered(user, message_id):
    """The copy of a message Postfix delivered to the user's Maildir (as bytes), if any."""
    folder = os.path.join(POSTFIX_DIR, "mail", user, "new")
    for name in os.listdir(folder) if os.path.isdir(folder) else []:
        with open(os.path.join(folder, name), "rb") as copy:
            raw = copy.read()
        if message_id.encode() in raw:
            return raw
    return None


def check_bounce(key):
    bounced_id, known_id = send(key, ["nobody1@example.test", "known1@example.test"])
    wait_for(lambda: state(bounced_id) == "bounced" and state(known_id) == "sent", 60, "a bounce through Postfix")
    error = psql("select last_error from messages where id = '%s'" % bounced_id)
    check("an unknown user's email ends bounced with Postfix's status", "5.1.1" in error, error[:80])
    reason = suppression("nobody1@example.test")
    check("... its address suppressed as a hard bounce, for the set days",
          reason == "hard_bounce|%s|%d" % (bounced_id, SUPPRESSION_DAYS), reason)
    wait_for(lambda: providers.callbacks.snapshot().get((bounced_id, "bounced"), 0) > 0, 30, "the bounced callback")
    check("... and the tenant called back", True)
    wait_for(lambda: delivered("known1", known_id) is not None, 30, "the known user's copy")
    copy = delivered("known1", known_id).decode(errors="replace")
    return_path = re.search(r"^Return-Path: <([^>]*)>", copy, re.M).group(1)
    check("a known user's email delivered, its Return-Path a signed address at the return-path domain",
          re.fullmatch(r"b\.%s\.[0-9a-f]{20}@%s" % (known_id.replace("-", ""), re.escape(ACME_RETURN_PATH)), return_path),
          "Return-Path at %s" % return_path.split("@")[-1])
    before = postfix_deliveries("nobody1@example.test")
    second = send(key, ["nobody1@example.test"])[0]
    wait_for(lambda: state(second) == "suppressed", 30, "the second email suppressed")
    check("a second email to it ends suppressed, Postfix sees no new delivery",
          postfix_deliveries("nobody1@example.test") == before, "%d deliveries logged before and after" % before)
    return known_id


def check_dkim(key, other_key, records):
    """The tenant's default sender, signed by both keys; each signature verified by dkimpy against the printed records."""
    message_id = send(key, ["known1@example.test"])[0]
    wait_for(lambda: delivered("known1", message_id) is not None, 30, "a signed copy delivered")
    raw = delivered("known1", message_id)
    # Postfix's own Return-Path and Delivered-To fields come first; the signatures sign the fields below them.
    signatures = len(re.findall(rb"^DKIM-Signature:", raw, re.M))

    def lookup(name, timeout=5):
        return records.get(name.decode().rstrip(".").lower(), "").encode()
    results = [dkim.DKIM(raw).verify(idx=index, dnsfunc=lookup) for index in range(signatures)]
    algorithms = sorted(re.findall(rb"a=([a-z0-9-]+);", raw))
    sender = re.search(rb"^From: (.*)$", raw, re.M).group(1).decode().strip()
    check("a delivered copy's RSA and Ed25519 signatures verify with dkimpy",
          results == [True, True] and algorithms == [b"ed25519-sha256", b"rsa-sha256"] and sender.endswith("@acme.test>"),
          "%s %s, From %s" % (results, [a.decode() for a in algorithms], sender.split("@")[-1]))
    signed = re.search(rb"h=([a-z:-]+);", raw).group(1).decode().split(":")
    check("... covering From, To, Subject, Date, Message-ID, MIME-Version and Content-Type",
          set(signed) >= {"from", "to", "subject", "date", "message-id", "mime-version", "content-type"}, ":".join(signed))
    # Globex may not send as acme (a message or a template), nor as a domain no tenant has.
    refusals = [
        http("POST", "/v1/messages", {"channel": "email", "to": {"email": "known1@example.test"}, "template": "note",
                                      "from": {"email": "ceo@" + ACME_DOMAIN}}, other_key, idempotency_key=str(uuid.uuid4())),
        http("PUT", "/v1/templates/spoof", {"channel": "email", "subject": "x", "text": "x", "from": {"email": "ceo@" + ACME_DOMAIN}},
             other_key),
        http("POST", "/v1/messages", {"channel": "email", "to": {"email": "known1@example.test"}, "template": "note",
                                      "from": {"email": "ceo@nobody.test"}}, key, idempotency_key=str(uuid.uuid4())),
    ]
    named = [status == 422 and any(p.get("name") == "from" and domain in p.get("reason", "")
                                   for p in json.loads(body).get("invalid-params", []))
             for (status, body), domain in zip(refusals, [ACME_DOMAIN, ACME_DOMAIN, "nobody.test"])]
    check("a from in another tenant's or no tenant's domain (message or template): 422 naming from and the domain",
          named == [True, True, True], str([status for status, _ in refusals]))
    # A template's own sender, in the tenant's domain, wins over the tenant's.
    assert http("PUT", "/v1/templates/cases", {"channel": "email", "subject": "Case", "text": "A case.",
                                               "from": {"email": "cases@" + ACME_DOMAIN, "name": "Acme Cases"}}, key)[0] == 201
    case_id = send(key, ["known8@example.test"], template="cases")[0]
    wait_for(lambda: delivered("known8", case_id) is not None, 30, "the template's sender's email")
    sender = email.message_from_bytes(delivered("known8", case_id)).get("From", "")
    check("a template's from is its emails' sender", sender == '"Acme Cases" <cases@acme.test>', sender)
    private = psql("select private_key from dkim_keys where selector = 'ed1'")
    outputs = ctl("dkim", "list", "acme").stdout + ctl("domains", "list", "acme").stdout
    check("a private key is in no command's output and no log line", private and private not in outputs
          and "PRIVATE KEY" not in outputs and not log_lines_matching(re.escape(private) + "|PRIVATE KEY"))


def check_unsubscribe(key):
    first, other = send(key, ["known6@example.test", "known7@example.test"], template="news")
    wait_for(lambda: delivered("known6", first) is not None and state(other) == "sent", 30, "two newsletters delivered")
    raw = delivered("known6", first)
    parsed = email.message_from_bytes(raw)
    links = re.findall(r"<([^>]+)>", parsed.get("List-Unsubscribe", ""))
    url = next((link for link in links if link.startswith("http://")), "")
    mailto = next((link[len("mailto:"):].split("?")[0] for link in links if link.startswith("mailto:")), "")
    body = parsed.get_payload(decode=True).decode()
    signed = re.search(rb"h=([a-z:-]+);", raw).group(1).decode().split(":")
    check("an unsubscribe email carries List-Unsubscribe (link and mailto) and -Post, signed, the link in its body",
          url and mailto.endswith("@" + ACME_RETURN_PATH) and parsed.get("List-Unsubscribe-Post") == "List-Unsubscribe=One-Click"
          and url in body and {"list-unsubscribe", "list-unsubscribe-post"} <= set(signed), "%d links, h=%s" % (len(links), ":".join(signed)))
    status, page = raw_request("GET", url)
    check("GET of the link shows a page and changes nothing", status == 200 and b"<form" in page and not suppression("known6@example.test"),
          "%d" % status)
    forged = url[:-1] + ("0" if url[-1] != "0" else "1")
    statuses = [raw_request("GET", forged)[0], raw_request("POST", forged, b"List-Unsubscribe=One-Click")[0]]
    posted = [raw_request("POST", url, b"List-Unsubscribe=One-Click")[0] for _ in range(2)]
    check("POST suppresses the address for the category, idempotently; a forged link is a 404",
          posted == [200, 200] and statuses == [404, 404] and suppression("known6@example.test").startswith("unsubscribe|" + first),
          "posts %s, forged %s, %s" % (posted, statuses, psql("select reason, category from suppressions where address = 'known6@example.test'")))
    news, note = send(key, ["known6@example.test"], template="news")[0], send(key, ["known6@example.test"])[0]
    wait_for(lambda: state(news) in ("suppressed", "sent") and state(note) == "sent", 30, "a newsletter and a note")
    check("the next newsletter ends suppressed, a note from another template still goes",
          state(news) == "suppressed" and state(note) == "sent", "%s, %s" % (state(news), state(note)))
    with inbound_smtp() as smtp:
        smtp.sendmail("", [mailto_for(other)], "Subject: unsubscribe\r\n\r\nunsubscribe\r\n")
    check("mail to the mailto unsubscribes too", suppression("known7@example.test").startswith("unsubscribe|" + other),
          suppression("known7@example.test").split("|")[0])


def mailto_for(message_id):
    raw = delivered("known7", message_id)
    links = re.findall(r"<([^>]+)>", email.message_from_bytes(raw).get("List-Unsubscribe", ""))
    return next(link[len("mailto:"):].split("?")[0] for link in links if link.startswith("mailto:"))


def raw_request(method, url, body=None):
    """(status, body) of a request without an API key, as a mailbox provider or a browser makes it."""
    prepared = urllib.request.Request(url, method=method, data=body)
    if body is not None:
        prepared.add_header("Content-Type", "application/x-www-form-urlencoded")
    try:
        with urllib.request.urlopen(prepared, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def check_delay_and_complaint(key):
    delayed, complained = send(key, ["known2@example.test", "known3@example.test"])
    wait_for(lambda: state(delayed) == "sent" and state(complained) == "sent", 30, "two emails sent")
    with inbound_smtp() as smtp:
        smtp.sendmail("", [bounce_address(delayed)], dsn("known2@example.test", action="delayed", status="4.4.1"))
        smtp.sendmail("", [bounce_address(delayed)], dsn("known2@example.test", action="delayed", status="4.4.1"))
        smtp.sendmail("", [bounce_address(complained)], arf("known3@example.test"))
    events = psql("select from_state || '>' || to_state || ' ' || detail from message_events where message_id = '%s' and from_state = 'sent'" % delayed)
    check("a delay is one event, the message stays sent and unsuppressed",
          state(delayed) == "sent" and events.count("sent>sent delayed: 4.4.1") == 1 and not suppression("known2@example.test"),
          events.replace("\n", "; ")[:80])
    check("an ARF complaint ends complained, the address suppressed",
          state(complained) == "complained" and suppression("known3@example.test").startswith("complaint|"),
          "%s, %s" % (state(complained), suppression("known3@example.test").split("|")[0]))


def check_refusals(key, other_key):
    sent = send(key, ["known4@example.test"])[0]
    others = send(other_key, ["known5@example.test"])
    wait_for(lambda: state(sent) == "sent" and state(others[0]) == "sent", 30, "emails sent")
    address = bounce_address(sent)
    local, domain = address.split("@")
    forged = local[:-1] + ("0" if local[-1] != "0" else "1") + "@" + domain
    refused = []
    others_at_acme = bounce_address(others[0]).split("@")[0] + "@" + ACME_RETURN_PATH
    for recipient in (forged, "someone@example.net", "postmaster@" + BOUNCE_DOMAIN, address + ".evil"):
        with inbound_smtp() as smtp:
            smtp.ehlo()
            smtp.mail("")
            code, _ = smtp.rcpt(recipient)
            refused.append(code)
    check("a forged bounce address and other recipients refused (550: no relay)", refused == [550] * 4, str(refused))
    counts = inbound_counts()
    # Tenant B's message, reported with tenant A's recipient: the report is about A's address, not B's message.
    with inbound_smtp() as smtp:
        smtp.sendmail("", [bounce_address(others[0])], dsn("known4@example.test"))
        # Globex's message reported to acme's return-path domain: acme's domain speaks for acme's messages only.
        smtp.sendmail("", [others_at_acme], dsn("known5@example.test"))
    dropped = inbound_counts().get("dropped", 0) - counts.get("dropped", 0)
    check("reports about another tenant's message (recipient, return-path domain) are dropped",
          state(others[0]) == "sent" and dropped == 2 and not suppression("known4@example.test")
          and not suppression("known5@example.test"), "%d dropped" % dropped)
    answers = []
    junk = [
        "Subject: I am away\r\n\r\nOut of office.\r\n",
        dsn("known4@example.test").replace("Status: 5.1.1\r\n", ""),
        "Content-Type: multipart/report; report-type=delivery-status; boundary=x\r\n\r\n--x\r\n" + "\xff\xfe" * 100,
        "".join("X-Bomb-%d: a\r\n" % n for n in range(2000)) + "\r\nbody\r\n",
    ]
    for mail in junk:
        with inbound_smtp() as smtp:
            try:
                smtp.sendmail("", [address], mail.encode("utf-8", "surrogateescape"))
                answers.append(250)
            except (smtplib.SMTPDataError, smtplib.SMTPSenderRefused) as error:
                answers.append(error.smtp_code)
    big = "Subject: big\r\n\r\n" + ("x" * 998 + "\r\n") * (MAX_BYTES // 1000 + 10)
    with inbound_smtp() as smtp:
        # Declared too big (SIZE=), then sent too big without saying so.
        try:
            smtp.sendmail("", [address], big)
            answers.append(250)
        except smtplib.SMTPSenderRefused as error:
            answers.append(error.smtp_code)
        smtp.docmd("MAIL FROM:<>")
        smtp.rcpt(address)
        answers.append(smtp.data(big)[0])
    check("auto-replies, malformed, 8-bit and header bombs dropped (250); oversized refused (552)",
          answers == [250, 250, 250, 250, 552, 552] and state(sent) == "sent", str(answers))
    check("... herald-inbound still answers", inbound_smtp().noop()[0] == 250)


def check_kill(key, fleet):
    """1,000 unknown users: Postfix bounces each as they are accepted; herald-inbound is killed once the first have
    been recorded, and started again a second later."""
    addresses = ["gone%04d@example.test" % n for n in range(1000)]

    def bounced():
        return int(psql("select count(*) from messages where state = 'bounced' and to_address like 'gone%'"))
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        sending = pool.submit(send, key, addresses)
        wait_for(lambda: bounced() >= 50, 180, "the first bounces recorded")
        fleet.kill("herald-inbound")
        at_kill = bounced()
        time.sleep(1)
        fleet.start("herald-inbound")
        ids = sending.result()
    wait_for(lambda: bounced() == len(ids), 300, "every bounce recorded")
    events = psql("""select count(*), count(distinct message_id) from message_events where to_state = 'bounced'
                     and message_id in (%s)""" % ",".join("'%s'" % i for i in ids))
    reports = psql("select count(*) from inbound_reports where message_id in (%s)" % ",".join("'%s'" % i for i in ids))
    with open(os.path.join(POSTFIX_DIR, "maillog"), errors="replace") as log:
        deferred = len(re.findall(r"127\.0\.0\.1\]:%d.*status=deferred" % INBOUND_PORT, log.read()))
    check("kill -9 of herald-inbound under 1,000 bounces: each recorded once",
          at_kill < len(ids) and events == "1000|1000" and reports == "1000",
          "killed at %d recorded, Postfix deferred %d; bounced events %s, reports %s" % (at_kill, deferred, events, reports))


def check_deliverability(key):
    """GET /v1/deliverability against the database's own counts; the suppressed-messages metric of herald-email."""
    status, summary = http("GET", "/v1/deliverability", None, key)
    sent = int(psql("""select count(*) from message_events e join messages m on m.id = e.message_id join tenants t
                       on t.id = m.tenant_id where t.name = 'acme' and e.to_state = 'sent' and e.from_state <> 'sent'"""))
    expected = {"sent": sent, "hard_bounces": 1001, "complaints": 1,
                "suppressions": {"hard_bounce": 1001, "complaint": 1, "unsubscribe": 2, "manual": 0}}
    got = {name: summary.get(name) for name in expected} if status == 200 else summary
    check("GET /v1/deliverability: the last 24 hours as the database has them", got == expected
          and abs(summary["bounce_rate"] - 1001 / sent) < 1e-9, "%s, bounce rate %.3f" % (got, summary.get("bounce_rate", -1)))
    body = urllib.request.urlopen("http://127.0.0.1:19092/metrics", timeout=5).read().decode()
    counted = re.findall(r'herald_suppressed_messages_total\{channel="email",reason="(\w+)"\} (\S+)', body)
    check("herald_suppressed_messages_total counts suppressed emails by reason",
          dict(counted).get("hard_bounce") == "1" and dict(counted).get("unsubscribe") == "1", str(counted))


def check_ctl_suppressions():
    complaints = ctl("suppressions", "list", "acme", "--reason", "complaint").stdout.split()
    ctl("suppressions", "add", "acme", "email", "Manual@Example.test", "--note", "asked by phone")
    added = ctl("suppressions", "list", "acme", "--reason", "manual").stdout.split()
    ctl("suppressions", "remove", "acme", "email", "manual@example.test")
    after = ctl("suppressions", "list", "acme", "--reason", "manual").stdout.strip()
    missing = ctl("suppressions", "remove", "globex", "email", "known3@example.test", ok=False)
    check("herald ctl suppressions list, add, remove; another tenant's entry is not found",
          "known3@example.test" in complaints and "manual@example.test" in added and after == ""
          and missing.returncode == 1 and "globex" in missing.stderr, missing.stderr.strip())


def check_logs():
    leaked = log_lines_matching(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+\.[A-Za-z0-9.-]+")
    check("no log line above debug carries an address", not leaked, "; ".join(leaked[:2]))


def main():
    callback_port, stop_providers = fleet_module.start_providers()
    fleet_module.fresh_servers()
    subprocess.run([os.path.join(ROOT, "scripts", "postfix.sh"), "start", POSTFIX_DIR, str(POSTFIX_PORT),
                    str(INBOUND_PORT), BOUNCE_DOMAIN + "," + ACME_RETURN_PATH, ",".join(KNOWN)], check=True)
    ctl("migrate")
    ctl("topology")
    keys = {}
    for tenant in ("acme", "globex"):
        ctl("tenants", "create", tenant, "--rate-limit", "100000", "--burst", "10000")
        keys[tenant] = ctl("keys", "create", tenant, "--tenant", tenant).stdout.strip().splitlines()[-1]
    ctl("domains", "add", "acme", ACME_DOMAIN, "--return-path-domain", ACME_RETURN_PATH)
    ctl("tenants", "sender", "acme", "Acme News <news@%s>" % ACME_DOMAIN)
    records = {}
    for selector, algorithm in (("rsa1", "rsa-sha256"), ("ed1", "ed25519-sha256")):
        line = ctl("dkim", "create", "acme", ACME_DOMAIN, "--selector", selector, "--algorithm", algorithm).stdout.strip().splitlines()[-1]
        name, _, rest = line.partition(" IN TXT ")
        records[name.rstrip(".")] = "".join(re.findall(r'"([^"]*)"', rest))
    fleet = Fleet(BIN, kinds=KINDS)
    fleet.start_all()
    try:
        for key in keys.values():
            assert http("PUT", "/v1/callback", {"url": "http://127.0.0.1:%d/cb" % callback_port,
                                                "secret": providers.CALLBACK_SECRET["value"]}, key)[0] == 200
            assert http("PUT", "/v1/templates/note", {"channel": "email", "subject": "Note", "text": "A note."}, key)[0] in (200, 201)
            assert http("PUT", "/v1/templates/news", {"channel": "email", "subject": "News", "category": "newsletter",
                                                       "unsubscribe": True, "text": "News. Unsubscribe: {{unsubscribe_url}}"},
                        key)[0] in (200, 201)
        check.run((("bounce", lambda: check_bounce(keys["acme"])),
                   ("dkim", lambda: check_dkim(keys["acme"], keys["globex"], records)),
                   ("unsubscribe", lambda: check_unsubscribe(keys["acme"])),
                   ("delay and complaint", lambda: check_delay_and_complaint(keys["acme"])),
                   ("refusals", lambda: check_refusals(keys["acme"], keys["globex"])),
                   ("kill", lambda: check_kill(keys["acme"], fleet)),
                   ("deliverability", lambda: check_deliverability(keys["acme"])),
                   ("ctl suppressions", check_ctl_suppressions)))
        restarts = fleet.take_restarts()
        check("no process exited on its own", not restarts, str(restarts))
    finally:
        fleet.stop_all()
        stop_providers()
        subprocess.run([os.path.join(ROOT, "scripts", "postfix.sh"), "stop", POSTFIX_DIR])
    check_logs()
    check.finish()


if __name__ == "__main__":
    main()
