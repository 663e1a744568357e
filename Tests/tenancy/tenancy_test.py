"""One tenant cannot hurt another, and nothing leaks: the fleet's own executables against servers the project did not
write (aiosmtpd, http.server, raw sockets, pika), each tenant with its own key, as two applications would use it.

- SSRF: an API with the default settings refuses every internal form of a callback URL (422 naming `url`), and a
  loopback listener sees no connection; a URL that turns internal after it was set is refused at send time.
- Least privilege: the intake user publishes to herald.intake and may not read, consume or publish anywhere else.
- Fair intake: tenant `flood` publishes ten times its burst onto herald.intake; tenant `calm`, one second later, is
  stored within 5 s and sent within 10 s; herald-api is killed (-9) mid-flood and stopped (SIGTERM, which must end it
  within the drain time) with requests parked; in the end each of flood's requests is stored once and sent once.
- Fair callbacks: tenant `slowhook`'s receiver accepts connections and never answers; calm's callbacks keep a p99
  under 1 s; herald-callbacks is killed (-9) mid-run and nothing is lost.
- Strict SMTP TLS: with credentials and a server that offers no STARTTLS, the server sees no AUTH and no mail; the
  message waits and goes once the server is fixed; HERALD_SMTP_TLS=none with credentials refuses to start.
- Retry: 20 concurrent retries of one failed message make one SMTP attempt; a retry takes from the rate limit.
- No log line of any process carries a recipient's address or number, a password or a key.

Prints one line per check and a closing "N passed, N failed".
"""
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler

import pika
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fault"))
import fleet as fleet_module  # noqa: E402
import providers  # noqa: E402

fleet_module.DB = DB = "herald_tenancy"
fleet_module.VHOST = VHOST = "herald-tenancy"
fleet_module.API = API = "127.0.0.1:18280"
fleet_module.STATE = STATE = os.path.abspath(".herald/tenancy")
from fleet import Fleet, http, request, wait_for  # noqa: E402

BIN = sys.argv[1]
CALLBACK_TIMEOUT_MS = 2000
# Every process logs at info, so that what must not be logged above debug would show.
SETTINGS = {
    "LOG_LEVEL": "info",
    "HERALD_CALLBACK_ALLOWED_NETWORKS": "127.0.0.0/8",
    "HERALD_CALLBACK_TIMEOUT_MS": str(CALLBACK_TIMEOUT_MS),
    "HERALD_CALLBACK_BREAKER_MAX_SECONDS": "4",
    "HERALD_RETRY_INTERVAL_SECONDS": "60",
    "HERALD_TYNTEC_API_KEY": "tenancy-key",
}
_base_env = fleet_module.env


def env(**extra):
    values = _base_env(**SETTINGS)
    values.update(extra)
    return values


fleet_module.env = env
FLOOD_RATE, FLOOD_BURST, FLOOD_REQUESTS = 3000, 100, 10  # a minute; at once; procedures of 100 emails
SECRETS = {"calm": "calm-callback-secret-0001", "slowhook": "slowhook-callback-secret-1", "small": "small-callback-secret-001"}
RESULTS = []


def check(name, ok, detail=""):
    RESULTS.append(ok)
    print("%s %-34s %s" % ("ok  " if ok else "FAIL", name, detail), flush=True)


def psql(sql):
    return fleet_module.psql(sql, database=DB)


def ctl(*arguments):
    return subprocess.run([os.path.join(BIN, "herald"), "ctl", *arguments], env=env(), check=True, capture_output=True,
                          text=True).stdout.strip()


# --- servers the project did not write --------------------------------------------------------------------------

class Mailbox:
    """aiosmtpd: counts RCPT attempts and accepted mail per address; refuses `refuse*` recipients quoting them."""

    def __init__(self):
        self.lock = threading.Lock()
        self.attempts = {}
        self.accepted = {}
        self.auth = []
        self.mail_from = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        with self.lock:
            self.attempts[address] = self.attempts.get(address, 0) + 1
        if address.startswith("refuse"):
            return "550 5.1.1 <%s>: user unknown" % address
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        with self.lock:
            self.mail_from += 1
        envelope.mail_from = address
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            for address in envelope.rcpt_tos:
                self.accepted[address] = self.accepted.get(address, 0) + 1
        return "250 OK"

    def count(self, table, address):
        with self.lock:
            return table.get(address, 0)


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Receiver(BaseHTTPRequestHandler):
    """A tenant's callback receiver: verifies every signature with the tenant's secret (from the path), records each
    callback with its arrival time; `/refuse/...` answers 500 quoting an address in its body."""
    protocol_version = "HTTP/1.1"
    lock = threading.Lock()
    received = []
    bad_signatures = []

    def log_message(self, *args):
        pass

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        raw = self.rfile.read(length)
        if len(raw) < length:
            return  # its sender died mid-request (the kill -9 of herald-callbacks): nothing was delivered
        tenant = self.path.strip("/").split("/")[-1]
        body = json.loads(raw or b"{}")
        with Receiver.lock:
            if not providers.signed(self.headers, raw, SECRETS.get(tenant, "")):
                Receiver.bad_signatures.append(self.path)
            Receiver.received.append((tenant, body.get("id"), body.get("state"), body.get("at"), time.time()))
        if self.path.startswith("/refuse/"):
            data = b"mailbox refuse-callback@example.com refused, call +48600999999"
            self.send_response(500)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
            return
        self.send_response(204)
        self.send_header("Content-Length", "0")
        self.end_headers()

    @staticmethod
    def of(tenant, state=None):
        with Receiver.lock:
            return [r for r in Receiver.received if r[0] == tenant and (state is None or r[2] == state)]


class Tyntec(providers.TyntecHandler):
    """A strict Tyntec stand-in: the key in `apikey`, E.164 `to`; numbers ending 0000 are refused with the number
    quoted (as providers do); the others go ACCEPTED, BUFFERED, then DELIVERED as they are polled (providers.py)."""

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))) or b"{}")
        problem = "application/problem+json"
        if self.headers.get("apikey") != "tenancy-key" or self.path != "/messaging/v1/sms":
            return self.answer(401, {"status": 401, "title": "Unauthorized"}, problem)
        if not re.fullmatch(r"\+?[1-9][0-9]{6,14}", body.get("to", "")):
            return self.answer(400, {"status": 400, "title": "Bad Request", "detail": "to is not E.164"}, problem)
        if body["to"].endswith("0000"):
            return self.answer(400, {"status": 400, "title": "Bad Request",
                                     "detail": "destination %s is barred" % body["to"]}, problem)
        self.answer(200, {"requestId": str(uuid.uuid4())})


class Listener:
    """A raw TCP listener. `tarpit`: accepts and holds connections without a byte in reply; otherwise it only
    counts connections (what an internal service would see)."""

    def __init__(self, host="127.0.0.1", family=socket.AF_INET):
        self.socket = socket.socket(family, socket.SOCK_STREAM)
        self.socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.socket.bind((host, 0))
        self.socket.listen(512)
        self.port = self.socket.getsockname()[1]
        self.connections = 0
        self.held = []
        threading.Thread(target=self.accept, daemon=True).start()

    def accept(self):
        while True:
            connection, _ = self.socket.accept()
            self.connections += 1
            self.held.append(connection)


def start_http(handler):
    server = providers.QuietHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


# --- helpers -------------------------------------------------------------------------------------------------------

def post(path, body, key, idempotency_key=None, api=None):
    prepared = urllib.request.Request("http://%s%s" % (api or API, path), method="POST",
                                      data=json.dumps(body).encode() if body is not None else None)
    prepared.add_header("Content-Type", "application/json")
    prepared.add_header("Authorization", "Bearer " + key)
    prepared.add_header("Idempotency-Key", idempotency_key or str(uuid.uuid4()))
    try:
        with urllib.request.urlopen(prepared, timeout=30) as response:
            return response.status, json.loads(response.read() or b"null"), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null"), dict(error.headers)


def emails(prefix, count, reference):
    return [{"channel": "email", "to": {"email": "%s%d@example.com" % (prefix, i)}, "template": "note",
             "variables": {"n": i}, "reference": reference} for i in range(count)]


def publish(user, exchange, routing_key, body, headers):
    """Publishes with confirms as `user`; returns None, or the broker's refusal."""
    connection = pika.BlockingConnection(pika.URLParameters("amqp://%s:%s@127.0.0.1:5672/%s" % (user, user, VHOST)))
    try:
        channel = connection.channel()
        channel.confirm_delivery()
        channel.basic_publish(exchange, routing_key, json.dumps(body),
                              pika.BasicProperties(delivery_mode=2, headers=headers), mandatory=True)
        return None
    except (pika.exceptions.ChannelClosedByBroker, pika.exceptions.UnroutableError) as error:
        return error
    finally:
        if connection.is_open:
            connection.close()


def state_of(message_id):
    return psql("select state from messages where id = '%s'" % message_id)


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))]


# --- the checks ----------------------------------------------------------------------------------------------------

def check_ssrf(keys, mailbox_port):
    """An API with the default settings (no network allowed) refuses every internal form; nothing connects."""
    v4 = Listener("127.0.0.1")
    v6 = Listener("::1", socket.AF_INET6)
    port = free_port()
    log = open(os.path.join(STATE, "herald-api-default.log"), "a")
    api = subprocess.Popen([os.path.join(BIN, "herald"), "api"], stdout=log, stderr=subprocess.STDOUT, env=env(
        HERALD_API_ADDRESS="127.0.0.1:%d" % port, HERALD_API_MODE="http", HERALD_INTAKE_CONCURRENCY="0",
        HERALD_CALLBACK_ALLOWED_NETWORKS="", HERALD_METRICS_ADDRESS="127.0.0.1:19099"))
    try:
        wait_for(lambda: request("GET", "http://127.0.0.1:%d/readyz" % port)[0] == 200, 60,
                 "an API with HERALD_INTAKE_CONCURRENCY=0 to start")
        check("intake concurrency 0 starts", api.poll() is None)
        forms = ["http://127.0.0.1:%d/" % v4.port, "http://[::1]:%d/" % v6.port, "http://localhost:%d/" % v4.port,
                 "http://2130706433:%d/" % v4.port, "http://0x7f000001:%d/" % v4.port,
                 "http://0177.0.0.1:%d/" % v4.port, "http://127.1:%d/" % v4.port,
                 "http://[::ffff:127.0.0.1]:%d/" % v4.port, "http://0.0.0.0:%d/" % v4.port,
                 "http://169.254.169.254/latest/meta-data/", "http://10.0.0.1/", "http://172.16.5.4/",
                 "http://192.168.1.1/", "http://100.64.0.1/", "http://[fd00::1]/", "http://[fe80::1]/",
                 "http://224.0.0.1/", "https://127.0.0.1:%d/" % v4.port, "http://user:pw@example.com/",
                 "ftp://example.com/"]
        refused, reasons = [], {}
        for url in forms:
            status, body, _ = request_put("http://127.0.0.1:%d/v1/callback" % port,
                                          {"url": url, "secret": SECRETS["calm"]}, keys["calm"])
            params = body.get("invalid-params", []) if isinstance(body, dict) else []
            reasons[url] = [p.get("reason") for p in params if p.get("name") == "url"]
            if status == 422 and reasons[url]:
                refused.append(url)
        check("SSRF forms refused at PUT", len(refused) == len(forms),
              "%d/%d; accepted: %s; e.g. %s" % (len(refused), len(forms), sorted(set(forms) - set(refused)),
                                                reasons[forms[3]]))
        check("no connection to loopback", v4.connections == 0 and v6.connections == 0,
              "v4 %d, v6 %d" % (v4.connections, v6.connections))
        # flood has no message yet, so nothing is ever sent there; the URL is removed at once.
        status, _, _ = request_put("http://127.0.0.1:%d/v1/callback" % port,
                                   {"url": "http://93.184.215.14/hook", "secret": SECRETS["calm"]}, keys["flood"])
        psql("update tenants set callback_url = null, callback_secret = null where name = 'flood'")
        check("a public address is accepted", status == 200, "status %d" % status)
    finally:
        api.terminate()
        api.wait(timeout=20)
    # Send time: the URL turns internal after it was set (as a name's address can); the fleet allows 127.0.0.0/8
    # only, so ::1 is refused when the callback is sent, and nothing connects.
    psql("update tenants set callback_url = 'http://[::1]:%d/small' where name = 'small'" % v6.port)
    status, reply, _ = post("/v1/messages", {"channel": "email", "to": {"email": "refuse-ssrf@example.com"},
                                             "template": "note", "variables": {"n": 1}}, keys["small"])
    wait_for(lambda: psql("select count(*) from callbacks c join messages m on m.id = c.message_id "
                          "where m.id = '%s' and c.last_error like '%%refused%%'" % reply["id"]) != "0", 30,
             "the callback refused at send time")
    check("SSRF refused at send time", v6.connections == 0, "connections %d" % v6.connections)
    psql("update tenants set callback_url = 'http://127.0.0.1:%d/refuse/small' where name = 'small'" % RECEIVER_PORT)


def request_put(url, body, key):
    prepared = urllib.request.Request(url, method="PUT", data=json.dumps(body).encode())
    prepared.add_header("Content-Type", "application/json")
    prepared.add_header("Authorization", "Bearer " + key)
    try:
        with urllib.request.urlopen(prepared, timeout=30) as response:
            return response.status, json.loads(response.read() or b"null"), None
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null"), None


def check_broker_permissions():
    denied = []
    connection = pika.BlockingConnection(pika.URLParameters("amqp://herald-intake:herald-intake@127.0.0.1:5672/%s" % VHOST))
    for attempt in ("get", "consume", "declare"):
        channel = connection.channel()
        try:
            if attempt == "get":
                channel.basic_get("herald.intake")
            elif attempt == "consume":
                channel.basic_consume("herald.intake", lambda *a: None)
            else:
                channel.queue_declare("mine", durable=True)
        except pika.exceptions.ChannelClosedByBroker as error:
            if error.reply_code == 403:
                denied.append(attempt)
    connection.close()
    other = publish("herald-intake", "", "herald.render", {"message_ids": []}, {})
    check("intake user: no read, no declare", denied == ["get", "consume", "declare"], "denied %s" % denied)
    check("intake user: no other exchange", isinstance(other, pika.exceptions.ChannelClosedByBroker)
          and other.reply_code == 403, repr(other))


def check_fair_intake(fleet, keys, mailbox):
    """flood publishes 10 x burst onto herald.intake (two of them twice); calm one second later."""
    started = time.time()
    for number in range(FLOOD_REQUESTS):
        body = {"kind": "flood", "messages": emails("flood%d-" % number, 100, "flood-%d" % number)}
        headers = {"Authorization": "Bearer " + keys["flood"], "Idempotency-Key": "flood-%d" % number}
        for _ in range(2 if number in (3, 7) else 1):
            refused = publish("herald-intake", "herald.intake", "", body, headers)
            if refused:
                raise RuntimeError("the intake user could not publish: %r" % refused)
    time.sleep(max(0.0, started + 1 - time.time()))
    calm_at = time.time()
    refused = publish("herald-intake", "herald.intake", "", {"channel": "email", "to": {"email": "calm-intake@example.com"},
                                                            "template": "note", "variables": {"n": 0},
                                                            "reference": "calm-intake"},
                      {"Authorization": "Bearer " + keys["calm"], "Idempotency-Key": "calm-intake"})
    stored = sent = None
    while time.time() < calm_at + 30 and (stored is None or sent is None):
        if stored is None and psql("select count(*) from messages where reference = 'calm-intake'") == "1":
            stored = time.time() - calm_at
        if sent is None and mailbox.count(mailbox.accepted, "calm-intake@example.com") == 1:
            sent = time.time() - calm_at
        time.sleep(0.05)
    check("calm stored past the flood", refused is None and stored is not None and stored < 5, "in %s s" % fmt(stored))
    check("calm sent past the flood", sent is not None and sent < 10, "in %s s" % fmt(sent))
    parked = int(psql("select count(*) from parked_requests"))
    # kill -9 of herald-api with requests parked; then SIGTERM, which must end it within the drain time.
    fleet.kill("herald-api")
    fleet.start("herald-api")
    wait_for(lambda: http("GET", "/readyz")[0] == 200, 60, "herald-api back")
    still_parked = int(psql("select count(*) from parked_requests"))
    with fleet.lock:
        fleet.down.add("herald-api")
        process = fleet.processes["herald-api"]
    stopping = time.time()
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=20)
        took = time.time() - stopping
    except subprocess.TimeoutExpired:
        process.kill()
        took = None
    check("SIGTERM drains with requests parked", took is not None and still_parked > 0,
          "exited in %s s with %d parked" % (fmt(took), still_parked))
    fleet.start("herald-api")
    wait_for(lambda: http("GET", "/readyz")[0] == 200, 60, "herald-api back")
    # Every one of flood's requests stored once and each mail sent once, as the limit allows.
    seconds = (FLOOD_REQUESTS * 100 - FLOOD_BURST) * 60 / FLOOD_RATE + 60
    deadline = time.time() + seconds
    while time.time() < deadline:
        if psql("select count(*) from messages m join tenants t on t.id = m.tenant_id where t.name = 'flood' "
                "and m.state = 'sent'") == str(FLOOD_REQUESTS * 100):
            break
        time.sleep(0.5)
    procedures = psql("select count(*) from procedures p join tenants t on t.id = p.tenant_id where t.name = 'flood'")
    messages = psql("select count(*) from messages m join tenants t on t.id = m.tenant_id where t.name = 'flood'")
    twice = [a for n in range(FLOOD_REQUESTS) for i in range(100)
             for a in ["flood%d-%d@example.com" % (n, i)] if mailbox.count(mailbox.accepted, a) != 1]
    check("flood stored once, sent once", procedures == str(FLOOD_REQUESTS) and messages == str(FLOOD_REQUESTS * 100)
          and not twice, "%s procedures, %s messages, %d addresses not received exactly once; %d parked at the peak"
          % (procedures, messages, len(twice), parked))


def check_fair_callbacks(fleet, keys):
    """slowhook's receiver tarpits; calm's callbacks stay quick, and survive a kill -9 of herald-callbacks."""
    for round_number in range(10):
        status, _, _ = post("/v1/procedures", {"kind": "slow", "messages": emails("slow%d-" % round_number, 100, "slow")},
                            keys["slowhook"], "slow-%d" % round_number)
        assert status == 202, status
    time.sleep(1)
    calm_ids = []
    for round_number in range(2):
        status, reply, _ = post("/v1/procedures", {"kind": "calm", "messages": emails("calm%d-" % round_number, 50, "calm")},
                                keys["calm"], "calm-cb-%d" % round_number)
        assert status == 202, status
        calm_ids += reply["message_ids"]
    wait_for(lambda: len({r[1] for r in Receiver.of("calm", "sent")} & set(calm_ids)) == len(calm_ids), 60,
             "calm's callbacks")
    latencies = [r[4] - parse_time(r[3]) for r in Receiver.of("calm", "sent") if r[1] in set(calm_ids)]
    p99 = percentile(latencies, 0.99)
    check("calm's callbacks while one tarpits", p99 < 1.0, "p50 %.2f s, p99 %.2f s over %d" % (
        percentile(latencies, 0.5), p99, len(latencies)))
    # kill -9 of herald-callbacks in the middle of another round: nothing lost.
    status, reply, _ = post("/v1/procedures", {"kind": "calm", "messages": emails("calmk-", 100, "calm")},
                            keys["calm"], "calm-cb-kill")
    killed_ids = reply["message_ids"]
    wait_for(lambda: len({r[1] for r in Receiver.of("calm", "sent")} & set(killed_ids)) >= 10, 60, "some callbacks")
    fleet.kill("herald-callbacks")
    fleet.start("herald-callbacks")
    lease = CALLBACK_TIMEOUT_MS / 1000 * 4 + 10
    wait_for(lambda: len({r[1] for r in Receiver.of("calm", "sent")} & set(killed_ids)) == len(killed_ids),
             lease + 60, "calm's callbacks after a kill -9")
    check("callbacks after kill -9", True, "%d/%d" % (len(killed_ids), len(killed_ids)))
    # The tarpit's callbacks: none delivered while it tarpits; once it answers, each is delivered or dead-lettered.
    psql("update tenants set callback_url = 'http://127.0.0.1:%d/slowhook' where name = 'slowhook'" % RECEIVER_PORT)
    slow_ids = set(psql("select m.id from messages m join tenants t on t.id = m.tenant_id "
                        "where t.name = 'slowhook'").split())

    def settled():
        delivered = {r[1] for r in Receiver.of("slowhook", "sent")}
        dead = set(psql("select c.message_id from callbacks c join tenants t on t.id = c.tenant_id "
                        "where t.name = 'slowhook' and c.dead_at is not null and c.state = 'sent'").split())
        return len((delivered | dead) & slow_ids)
    wait_for(lambda: settled() == len(slow_ids), 120, "the tarpit tenant's callbacks to settle")
    check("tarpit tenant's callbacks kept", settled() == len(slow_ids), "%d/%d" % (settled(), len(slow_ids)))
    check("every callback signed", not Receiver.bad_signatures, "%d bad" % len(Receiver.bad_signatures))


def parse_time(text):
    from datetime import datetime
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def fmt(value):
    return "-" if value is None else "%.2f" % value


def check_smtp_tls(fleet, keys, mailbox):
    """Credentials and a server without STARTTLS: no AUTH, no mail; the message waits, then goes."""
    plain = Mailbox()

    class Authenticator:
        def __call__(self, server, session, envelope, mechanism, auth_data):
            plain.auth.append((mechanism, auth_data))
            return AuthResult(success=True)
    port = free_port()
    controller = Controller(plain, hostname="127.0.0.1", port=port, authenticator=Authenticator(),
                            auth_require_tls=False)
    controller.start()
    url = "smtp://herald:secret-pass@127.0.0.1:%d" % port
    refused = subprocess.run([os.path.join(BIN, "herald"), "email"], capture_output=True, text=True, timeout=60,
                             env=env(HERALD_SMTP_URL=url, HERALD_SMTP_TLS="none", HERALD_METRICS_ADDRESS="127.0.0.1:19098"))
    lines = refused.stderr.strip().splitlines()
    check("TLS none with credentials refused", refused.returncode != 0 and len(lines) == 1 and "HERALD_SMTP_TLS" in lines[0],
          lines[0] if lines else "(nothing)")
    with fleet.lock:
        fleet.down.add("herald-email")
        fleet.processes["herald-email"].terminate()
        fleet.processes["herald-email"].wait(timeout=30)
    log = open(os.path.join(STATE, "herald-email-plain.log"), "a")
    email = subprocess.Popen([os.path.join(BIN, "herald"), "email"], stdout=log, stderr=subprocess.STDOUT,
                             env=env(HERALD_SMTP_URL=url, HERALD_METRICS_ADDRESS="127.0.0.1:19092"))
    try:
        status, reply, _ = post("/v1/messages", {"channel": "email", "to": {"email": "auth-check@example.com"},
                                                 "template": "note", "variables": {"n": 1}}, keys["calm"])
        wait_for(lambda: "STARTTLS" in psql("select coalesce(last_error, '') from messages where id = '%s'" % reply["id"]),
                 60, "the refusal recorded")
        check("no AUTH, no mail without TLS", not plain.auth and plain.mail_from == 0,
              "AUTH %d, MAIL %d; last_error: %s" % (len(plain.auth), plain.mail_from,
                                                    psql("select last_error from messages where id = '%s'" % reply["id"])))
    finally:
        email.terminate()
        email.wait(timeout=30)
        controller.stop()
    fleet.start("herald-email")
    wait_for(lambda: state_of(reply["id"]) == "sent", 60, "the waiting message sent once TLS is right")
    check("the waiting message goes later", mailbox.count(mailbox.accepted, "auth-check@example.com") == 1)


def check_retry(keys, mailbox):
    status, reply, _ = post("/v1/messages", {"channel": "email", "to": {"email": "refuse-retry@example.com"},
                                             "template": "note", "variables": {"n": 1}}, keys["calm"])
    wait_for(lambda: state_of(reply["id"]) == "failed", 30, "the message to fail")
    with ThreadPoolExecutor(20) as pool:
        answers = list(pool.map(lambda _: post("/v1/messages/%s/retry" % reply["id"], None, keys["calm"])[0], range(20)))
    wait_for(lambda: psql("select count(*) from message_events where message_id = '%s' and to_state = 'failed'"
                          % reply["id"]) == "2", 30, "the retried message to fail again")
    attempts = mailbox.count(mailbox.attempts, "refuse-retry@example.com")
    check("20 concurrent retries, one attempt", answers.count(202) == 1 and answers.count(409) == 19 and attempts == 2,
          "202 x%d, 409 x%d, SMTP attempts %d (one before the retries)" % (answers.count(202), answers.count(409), attempts))
    # small: a burst of 3 and one message a minute; messages until the limit says no, then a retry is one too many.
    ids = []
    for i in range(4):
        status, reply, _ = post("/v1/messages", {"channel": "email", "to": {"email": "refuse-small%d@example.com" % i},
                                                 "template": "note", "variables": {"n": i}}, keys["small"])
        if status != 202:
            break
        ids.append(reply["id"])
    wait_for(lambda: all(state_of(i) == "failed" for i in ids), 30, "small's messages to fail")
    status, body, headers = post("/v1/messages/%s/retry" % ids[0], None, keys["small"])
    check("a retry takes from the rate limit", status == 429 and "Retry-After" in headers, "status %d" % status)


def check_logs(keys):
    """No process's log carries an address, a number, the SMTP password or a key."""
    patterns = [re.compile(r"[A-Za-z0-9._%+-]+@example\.com"), re.compile(r"\+?4860\d{5,}"), re.compile("secret-pass")]
    patterns += [re.compile(re.escape(key)) for key in keys.values()]
    patterns += [re.compile(re.escape(secret)) for secret in SECRETS.values()]
    found = []
    for name in sorted(os.listdir(STATE)):
        with open(os.path.join(STATE, name), errors="replace") as log:
            for number, line in enumerate(log, 1):
                if any(p.search(line) for p in patterns):
                    found.append("%s:%d: %s" % (name, number, line.strip()[:200]))
    check("no personal data in any log", not found, "; ".join(found[:3]) + (" ..." if len(found) > 3 else ""))


def main():
    global RECEIVER_PORT
    mailbox = Mailbox()
    smtp_port = free_port()
    smtp = Controller(mailbox, hostname="127.0.0.1", port=smtp_port)
    smtp.start()
    tyntec = start_http(Tyntec)
    receiver = start_http(Receiver)
    RECEIVER_PORT = receiver.server_address[1]
    tarpit = Listener("127.0.0.1")
    fleet_module.PORTS.update(smtp=smtp_port, tyntec=tyntec.server_address[1], callbacks=RECEIVER_PORT)
    fleet_module.fresh_servers()
    subprocess.run(["rabbitmqctl", "-q", "set_permissions", "-p", VHOST, "herald-intake", "^$", r"^herald\.intake$", "^$"],
                   check=True)
    ctl("migrate")
    ctl("topology")
    keys = {}
    for name, rate, burst in (("flood", FLOOD_RATE, FLOOD_BURST), ("calm", 1000000, 100000),
                              ("slowhook", 1000000, 100000), ("small", 1, 3)):
        ctl("tenants", "create", name, "--rate-limit", str(rate), "--burst", str(burst))
        keys[name] = ctl("keys", "create", name, "--tenant", name).splitlines()[-1]

    fleet = Fleet(BIN)
    fleet.start_all()
    try:
        for name, key in keys.items():
            status = request_put("http://%s/v1/templates/note" % API, {"channel": "email", "subject": "Note {{n}}",
                                                                       "text": "Note {{n}}"}, key)[0]
            assert status in (200, 201), status
        request_put("http://%s/v1/callback" % API, {"url": "http://127.0.0.1:%d/calm" % RECEIVER_PORT,
                                                    "secret": SECRETS["calm"]}, keys["calm"])
        request_put("http://%s/v1/callback" % API, {"url": "http://127.0.0.1:%d/slowhook" % tarpit.port,
                                                    "secret": SECRETS["slowhook"]}, keys["slowhook"])
        request_put("http://%s/v1/callback" % API, {"url": "http://127.0.0.1:%d/refuse/small" % RECEIVER_PORT,
                                                    "secret": SECRETS["small"]}, keys["small"])
        for name, run in (("ssrf", lambda: check_ssrf(keys, smtp_port)), ("broker", check_broker_permissions),
                          ("intake", lambda: check_fair_intake(fleet, keys, mailbox)),
                          ("callbacks", lambda: check_fair_callbacks(fleet, keys)),
                          ("smtp", lambda: check_smtp_tls(fleet, keys, mailbox)),
                          ("retry", lambda: check_retry(keys, mailbox))):
            try:
                run()
            except Exception as error:
                check(name, False, "%s: %s" % (type(error).__name__, error))
        # A refused SMS quotes its number back; it must not reach a log either.
        request_put("http://%s/v1/templates/sms-note" % API, {"channel": "sms", "text": "Note"}, keys["calm"])
        status, reply, _ = post("/v1/messages", {"channel": "sms", "to": {"phone": "+48600000000"}, "template": "sms-note",
                                                 "variables": {}}, keys["calm"])
        wait_for(lambda: state_of(reply["id"]) == "failed", 30, "the refused SMS to fail")
    finally:
        fleet.stop_all()
        smtp.stop()
    check_logs(keys)
    passed = sum(1 for ok in RESULTS if ok)
    print("tenancy: %d passed, %d failed" % (passed, len(RESULTS) - passed))
    sys.exit(0 if passed == len(RESULTS) else 1)


if __name__ == "__main__":
    main()
