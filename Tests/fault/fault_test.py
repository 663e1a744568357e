"""Crash and restart faults against the real fleet: every accepted message must end final, none lost.

Runs Herald's own executables (from the build folder given as the first argument) against the local PostgreSQL and
RabbitMQ, an SMTP server built on aiosmtpd and a Tyntec-compatible endpoint built on http.server: providers Herald
did not write, which count what they receive by Message-ID and by `reference`. For each fault a fresh wave of emails
and SMS is accepted over the API, the fault strikes mid-flight (kill -9 of one process kind, then a restart; a
broker restart; a database restart), and the wave must drain: every message final, each one received at least once,
duplicates no more than what the killed process had claimed. Prints one line per fault and a closing
"N passed, N failed".

Environment: FAULT_EMAILS (1200) and FAULT_SMS (400) per wave, FAULT_DRAIN_SECONDS (120), FAULT_ONLY (comma list).
"""
import asyncio
import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.request
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from aiosmtpd.controller import Controller

BIN = sys.argv[1]
EMAILS = int(os.environ.get("FAULT_EMAILS", "1200"))
SMS = int(os.environ.get("FAULT_SMS", "400"))
DRAIN = float(os.environ.get("FAULT_DRAIN_SECONDS", "120"))
ONLY = [f for f in os.environ.get("FAULT_ONLY", "").split(",") if f]
DB = "herald_fault"
VHOST = "herald-fault"
API = "127.0.0.1:18080"
STATE = os.path.abspath(".herald/fault")
# Bound on duplicates per kill of a sender: concurrency (2) x window (3) x slice (16) claimed messages in flight.
IN_FLIGHT_BOUND = 2 * 3 * 16


class Counter:
    def __init__(self):
        self.lock = threading.Lock()
        self.received = {}

    def add(self, key):
        with self.lock:
            self.received[key] = self.received.get(key, 0) + 1

    def total(self):
        with self.lock:
            return sum(self.received.values())

    def snapshot(self):
        with self.lock:
            return dict(self.received)


mail = Counter()
sms = Counter()
# While set, the SMTP server answers no DATA of every DROP_EVERY-th address: it hangs up at once on half of them and
# stalls the session (no reply for 30 s, longer than Herald's SMTP timeout) on the other half.
DROPPING = threading.Event()
DROP_EVERY = 50
dropped = Counter()


def address_number(address):
    local = address.split("@")[0]
    return int(local[4:]) if local.startswith("user") and local[4:].isdigit() else -1


class SMTPHandler:
    async def handle_DATA(self, server, session, envelope):
        number = address_number(envelope.rcpt_tos[0]) if envelope.rcpt_tos else -1
        if DROPPING.is_set() and number % DROP_EVERY == 0:
            dropped.add(envelope.rcpt_tos[0])
            if number % (2 * DROP_EVERY) != 0:
                await asyncio.sleep(30)
            server.transport.close()
            return "421 closing"
        message_id = None
        for line in envelope.original_content.split(b"\r\n"):
            if not line:
                break
            if line.lower().startswith(b"message-id:"):
                message_id = line.split(b":", 1)[1].strip().decode().strip("<>").split("@")[0]
        mail.add(message_id)
        return "250 OK"


class TyntecHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def answer(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        body = json.loads(self.rfile.read(length) or b"{}")
        if self.path != "/messaging/v1/sms" or self.headers.get("apikey") != "fault-key":
            return self.answer(401, {"status": 401, "title": "Unauthorized"})
        sms.add(body.get("reference"))
        self.answer(200, {"requestId": str(uuid.uuid4())})

    def do_GET(self):
        request_id = self.path.rsplit("/", 1)[-1]
        self.answer(200, {"requestId": request_id, "status": "DELIVERED", "parts": [{"deliveryState": "DELIVERED"}]})


class QuietHTTPServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        pass  # a sender killed mid-request resets its connection: that is the point of the test


def psql(sql, database=DB):
    out = subprocess.run(
        ["runuser", "-u", "postgres", "--", "psql", "-qtA", "-d", database, "-c", sql],
        check=True, capture_output=True, text=True)
    return out.stdout.strip()


def env(**extra):
    values = {
        "PATH": os.environ["PATH"],
        "HERALD_DATABASE_URL": "postgres://herald:herald@127.0.0.1:5432/%s" % DB,
        "HERALD_AMQP_URL": "amqp://herald:herald@127.0.0.1:5672/%s" % VHOST,
        "HERALD_API_ADDRESS": API,
        "HERALD_SMTP_URL": "smtp://127.0.0.1:%d" % SMTP_PORT,
        "HERALD_SMTP_TIMEOUT_SECONDS": "2",
        "HERALD_TYNTEC_TIMEOUT_SECONDS": "1",
        "HERALD_TYNTEC_URL": "http://127.0.0.1:%d" % TYNTEC_PORT,
        "HERALD_TYNTEC_API_KEY": "fault-key",
        "HERALD_POLL_DELAYS_MS": "300,600,1000",
        "HERALD_RETRY_DELAYS_MS": "500,1000,2000,4000",
        "HERALD_DELIVERY_LIMIT": "10",
        "HERALD_SENDING_TIMEOUT_SECONDS": "7",
        "HERALD_JOB_TIMEOUT_SECONDS": "15",
        "HERALD_RELAY_INTERVAL_MS": "200",
        "HERALD_RELAY_GRACE_MS": "1000",
        "LOG_LEVEL": "warning",
    }
    values.update(extra)
    return values


class Fleet:
    kinds = ["herald-api", "herald-renderer", "herald-email", "herald-sms", "herald-poller"]

    def __init__(self):
        self.processes = {}
        os.makedirs(STATE, exist_ok=True)

    def start(self, kind):
        log = open(os.path.join(STATE, kind + ".log"), "a")
        metrics = {"herald-api": 19090, "herald-renderer": 19091, "herald-email": 19092, "herald-sms": 19093,
                   "herald-poller": 19094}[kind]
        self.processes[kind] = subprocess.Popen(
            [os.path.join(BIN, kind)], env=env(HERALD_METRICS_ADDRESS="127.0.0.1:%d" % metrics),
            stdout=log, stderr=subprocess.STDOUT)

    def kill(self, kind):
        process = self.processes[kind]
        process.send_signal(signal.SIGKILL)
        process.wait()

    def start_all(self):
        for kind in self.kinds:
            self.start(kind)
        wait_for(lambda: http("GET", "/readyz")[0] == 200, 60, "herald-api ready")

    def stop_all(self):
        for process in self.processes.values():
            process.send_signal(signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


def http(method, path, body=None, key=None):
    request = urllib.request.Request("http://%s%s" % (API, path), method=method,
                                     data=json.dumps(body).encode() if body is not None else None)
    request.add_header("Content-Type", "application/json")
    if key:
        request.add_header("Authorization", "Bearer " + key)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, error.read()
    except OSError as error:
        return 0, str(error)


def wait_for(condition, seconds, what):
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            if condition():
                return
        except Exception:
            pass
        time.sleep(0.2)
    raise RuntimeError("timed out waiting for " + what)


def accept_wave(key, emails, texts):
    """Accepts emails and SMS in procedures of 100; returns the ids of the messages accepted."""
    ids = []
    items = [{"channel": "email", "to": {"email": "user%d@example.com" % i}, "template": "fault-mail",
              "variables": {"n": i}} for i in range(emails)]
    items += [{"channel": "sms", "to": {"phone": "+4860%07d" % i}, "template": "fault-sms",
               "variables": {"n": i}} for i in range(texts)]
    for start in range(0, len(items), 100):
        for _ in range(50):
            status, body = http("POST", "/v1/procedures", {"kind": "fault", "messages": items[start:start + 100]}, key)
            if status == 202:
                ids += body["message_ids"]
                break
            time.sleep(0.2)
    return ids


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


def run_fault(name, fleet, key, strike, check=None):
    mail_before, sms_before = mail.snapshot(), sms.snapshot()
    started = time.time()
    ids = []
    accepting = threading.Thread(target=lambda: ids.extend(accept_wave(key, EMAILS, SMS)))
    accepting.start()
    # Strike once a third of the wave has reached the providers: senders are mid-batch by then.
    target = (EMAILS + SMS) // 3
    wait_for(lambda: (mail.total() - sum(mail_before.values())) + (sms.total() - sum(sms_before.values())) >= target,
             60, "a third of the wave at the providers")
    on_wire = strike(fleet)
    accepting.join()
    deadline = time.time() + DRAIN
    while time.time() < deadline:
        counts = final_counts(ids)
        pending = sum(c for (channel, state), c in counts.items() if not is_final(channel, state))
        if pending == 0 and sum(counts.values()) == len(ids):
            break
        time.sleep(0.5)
    drained = time.time() - started
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
    ok = len(ids) == EMAILS + SMS and lost == 0 and stranded == 0 and failed == 0 and duplicates <= bound
    extra = ""
    if check:
        checked, extra = check(ids)
        ok = ok and checked
    print("%-4s %-22s accepted %5d  lost %d  stranded %d  failed %d  duplicates %3d (bound %d)  drained in %5.1f s%s" % (
        "ok" if ok else "FAIL", name, len(ids), lost, stranded, failed, duplicates, bound, drained, extra), flush=True)
    return ok


METRICS = {
    19090: ["herald_messages_accepted_total", "herald_queue_messages", "herald_outbox_rows"],
    19091: ['herald_messages_total{stage="render"', "herald_render_seconds"],
    19092: ['herald_messages_total{stage="send.email"', "herald_accept_to_sent_seconds", "herald_provider_call_seconds"],
    19093: ['herald_messages_total{stage="send.sms"', "herald_accept_to_sent_seconds"],
    19094: ["herald_status_polls_total"],
}


def check_metrics():
    """Every process serves /metrics, /healthz and /readyz on its own address, with its counters moved."""
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
    ("broker restart", broker_restart),
    ("database restart fast", database_restart("fast")),
    ("database restart immediate", database_restart("immediate")),
    ("smtp drops after DATA", smtp_drops, healthy_sent_once),
]


def main():
    global SMTP_PORT, TYNTEC_PORT
    import socket
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        SMTP_PORT = probe.getsockname()[1]
    controller = Controller(SMTPHandler(), hostname="127.0.0.1", port=SMTP_PORT)
    controller.start()
    tyntec = QuietHTTPServer(("127.0.0.1", 0), TyntecHandler)
    TYNTEC_PORT = tyntec.server_address[1]
    threading.Thread(target=tyntec.serve_forever, daemon=True).start()

    psql("drop database if exists %s" % DB, database="postgres")
    psql("create database %s owner herald" % DB, database="postgres")
    vhosts = subprocess.run(["rabbitmqctl", "-q", "list_vhosts"], check=True, capture_output=True, text=True).stdout
    if VHOST not in vhosts.split():
        subprocess.run(["rabbitmqctl", "-q", "add_vhost", VHOST], check=True)
    subprocess.run(["rabbitmqctl", "-q", "set_permissions", "-p", VHOST, "herald", ".*", ".*", ".*"], check=True)
    for queue in ("herald.render", "herald.send.email", "herald.send.sms"):
        subprocess.run(["rabbitmqctl", "-q", "purge_queue", "-p", VHOST, queue], capture_output=True)
    subprocess.run([os.path.join(BIN, "heraldctl"), "migrate"], env=env(), check=True, capture_output=True)
    subprocess.run([os.path.join(BIN, "heraldctl"), "topology"], env=env(), check=True, capture_output=True)
    key = subprocess.run([os.path.join(BIN, "heraldctl"), "keys", "create", "fault-%d" % time.time()], env=env(),
                         check=True, capture_output=True, text=True).stdout.strip().splitlines()[-1]

    fleet = Fleet()
    fleet.start_all()
    passed = failed = 0
    try:
        http("PUT", "/v1/templates/fault-mail", {"channel": "email", "subject": "Fault {{n}}", "text": "Message {{n}}"}, key)
        http("PUT", "/v1/templates/fault-sms", {"channel": "sms", "text": "SMS {{n}}"}, key)
        for name, strike, *check in FAULTS:
            if ONLY and not any(o in name for o in ONLY):
                continue
            try:
                ok = run_fault(name, fleet, key, strike, *check)
            except Exception as error:
                print("FAIL %-22s %s" % (name, error), flush=True)
                ok = False
            passed, failed = passed + ok, failed + (not ok)
        ok = check_metrics()
        passed, failed = passed + ok, failed + (not ok)
    finally:
        fleet.stop_all()
        controller.stop()
        tyntec.shutdown()
    print("fault: %d passed, %d failed" % (passed, failed))
    sys.exit(0 if failed == 0 else 1)


if __name__ == "__main__":
    main()
