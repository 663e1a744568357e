"""The outside providers of the fault test, written with aiosmtpd and http.server (not by the project): an SMTP
server and a Tyntec-compatible SMS endpoint (ACCEPTED, BUFFERED, then DELIVERED) that count what they receive, by
Message-ID and by `reference`, and that push delivery reports to an SMS's `callbackUrl` and inbound SMS as Tyntec
does (retrying what gets no 2xx), an
SMTP fault that hangs up or stalls sessions after DATA, and a receiver of delivery-status callbacks that verifies each
signature and counts them by message and state."""
import asyncio
import hashlib
import heapq
import hmac
import json
import random
import socket
import threading
import time
import urllib.error
import urllib.request
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from aiosmtpd.controller import Controller


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
callbacks = Counter()
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


class Pusher:
    """Tyntec's side of its webhooks: POSTs each report or inbound SMS until it gets a 2xx, again every `retry`
    seconds (Tyntec retries too), with 16 senders at once. Counts the 2xx answers per (kind, key) and the others
    per status."""

    def __init__(self, retry=0.2, senders=16):
        self.retry = retry
        self.queue = []
        self.condition = threading.Condition()
        self.sequence = 0
        self.acknowledged = Counter()
        self.refused = Counter()
        self.waiting = 0
        for _ in range(senders):
            threading.Thread(target=self.run, daemon=True).start()

    def push(self, url, body, key, delay=0.0):
        with self.condition:
            self.sequence += 1
            self.waiting += 1
            heapq.heappush(self.queue, (time.time() + delay, self.sequence, url, body, key))
            self.condition.notify()

    def idle(self):
        with self.condition:
            return self.waiting == 0

    def run(self):
        while True:
            with self.condition:
                while not self.queue or self.queue[0][0] > time.time():
                    self.condition.wait(0.05 if self.queue else 1)
                due, sequence, url, body, key = heapq.heappop(self.queue)
            request = urllib.request.Request(url, method="POST", data=json.dumps(body).encode())
            request.add_header("Content-Type", "application/json")
            try:
                with urllib.request.urlopen(request, timeout=10) as response:
                    status = response.status
                    response.read()
            except urllib.error.HTTPError as error:
                status = error.code
            except OSError:
                status = 0
            if 200 <= status < 300:
                self.acknowledged.add(key)
                with self.condition:
                    self.waiting -= 1
            else:
                self.refused.add(status)
                with self.condition:
                    heapq.heappush(self.queue, (time.time() + self.retry, sequence, url, body, key))
                    self.condition.notify()


pusher = Pusher()
# How the stand-in reports an SMS sent with a callbackUrl: "push" (BUFFERED, then the final state, once each),
# "off" (no report: Tyntec's reports lost), or "chaos" (each report one to three times, in any order, some up to 1.5 s
# late). Numbers ending in 9903 end REJECTED, others DELIVERED.
REPORTS = {"mode": "push"}


def report_sms(url, request_id, reference, to):
    if REPORTS["mode"] == "off":
        return
    final = {"status": "REJECTED", "errorCode": "13", "errorReason": "Call barred"} if to.endswith("9903") \
        else {"status": "DELIVERED"}
    reports = [{"status": "BUFFERED"}, final]
    for report in reports:
        report.update(requestId=request_id, reference=reference, to=to, doneDate="2026-12-03T10:00:00Z",
                      parts=[{"partId": request_id + ":0", "deliveryState": report["status"]}])
    if REPORTS["mode"] == "push":
        for order, report in enumerate(reports):
            pusher.push(url, report, ("report", request_id, report["status"]), delay=order * 0.05)
        return
    for report in reports:
        for _ in range(random.randint(1, 3)):
            pusher.push(url, report, ("report", request_id, report["status"]), delay=random.uniform(0, 1.5))


class TyntecHandler(BaseHTTPRequestHandler):
    """As Tyntec answers: a message is ACCEPTED, then BUFFERED, then DELIVERED, one state per status request."""
    protocol_version = "HTTP/1.1"
    polls = {}
    lock = threading.Lock()

    def log_message(self, *args):
        pass

    def answer(self, status, body, content_type="application/json"):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        body = json.loads(self.rfile.read(length) or b"{}")
        if self.path != "/messaging/v1/sms" or self.headers.get("apikey") != "fault-key":
            return self.answer(401, {"status": 401, "title": "Unauthorized"})
        callback_url = body.get("callbackUrl")
        if callback_url is not None and (body.get("callbackMethod") != "POST" or not isinstance(callback_url, str)
                                         or not callback_url.startswith(("http://", "https://"))):
            return self.answer(400, {"status": 400, "title": "Invalid callback",
                                     "detail": "callbackUrl must be an http(s) URL with callbackMethod POST"},
                               "application/problem+json")
        sms.add(body.get("reference"))
        request_id = str(uuid.uuid4())
        self.answer(200, {"requestId": request_id})
        if callback_url:
            report_sms(callback_url, request_id, body.get("reference"), body.get("to", ""))

    @staticmethod
    def poll_count():
        with TyntecHandler.lock:
            return sum(TyntecHandler.polls.values())

    def do_GET(self):
        request_id = self.path.rsplit("/", 1)[-1]
        with TyntecHandler.lock:
            count = TyntecHandler.polls[request_id] = TyntecHandler.polls.get(request_id, 0) + 1
        state = ["ACCEPTED", "BUFFERED"][count - 1] if count <= 2 else "DELIVERED"
        self.answer(200, {"requestId": request_id, "status": state, "parts": [{"deliveryState": state}]})


# The tenant's callback secret: every callback's signature is verified with it, and a bad one counted.
CALLBACK_SECRET = {"value": "fault-callback-secret"}
bad_signatures = Counter()


def signed(headers, raw, secret):
    """Whether `Herald-Signature: t=<t>,v1=<hex>` is the HMAC-SHA256 of "<t>.<body>" keyed by `secret`."""
    signature = dict(part.split("=", 1) for part in headers.get("Herald-Signature", "").split(",") if "=" in part)
    expected = hmac.new(secret.encode(), (signature.get("t", "") + ".").encode() + raw, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, signature.get("v1", ""))


class CallbackHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        raw = self.rfile.read(length)
        if len(raw) < length:
            return  # the sender died mid-request (a kill -9 of herald-callbacks): nothing was delivered
        if not signed(self.headers, raw, CALLBACK_SECRET["value"]):
            bad_signatures.add(self.path)
        body = json.loads(raw or b"{}")
        callbacks.add((body.get("id"), body.get("state")))
        self.send_response(204)
        self.send_header("Content-Length", "0")
        self.end_headers()


class QuietHTTPServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        pass  # a sender killed mid-request resets its connection: that is the point of the test



def start():
    """Starts the three on free loopback ports; returns (smtp port, tyntec port, callback port, stop)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        smtp_port = probe.getsockname()[1]
    controller = Controller(SMTPHandler(), hostname="127.0.0.1", port=smtp_port)
    controller.start()
    tyntec = QuietHTTPServer(("127.0.0.1", 0), TyntecHandler)
    threading.Thread(target=tyntec.serve_forever, daemon=True).start()
    receiver = QuietHTTPServer(("127.0.0.1", 0), CallbackHandler)
    threading.Thread(target=receiver.serve_forever, daemon=True).start()

    def stop():
        controller.stop()
        tyntec.shutdown()
        receiver.shutdown()
    return smtp_port, tyntec.server_address[1], receiver.server_address[1], stop
