"""An independent receiver of Herald's delivery-status callbacks, on Python's http.server.

The path of the URL a tenant registers says how it answers: /ok answers 200; /flaky/N answers 500 to the first N
attempts of each callback (by its Herald-Callback-Id) and 200 after; /down always answers 503. It checks each
callback's Herald-Signature against the secret given as the first argument, with Python's hmac module, and
GET /received lists every attempt: path, answer, callback id, body, whether the signature verified. It prints
"READY <port>" once listening.
"""
import hashlib
import hmac
import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SECRET = sys.argv[1].encode()
lock = threading.Lock()
attempts = []
seen = {}


def verify(header, body):
    try:
        parts = dict(part.split("=", 1) for part in header.split(","))
        expected = hmac.new(SECRET, parts["t"].encode() + b"." + body, hashlib.sha256).hexdigest()
        return hmac.compare_digest(expected, parts["v1"])
    except Exception:
        return False


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def answer(self, status, payload=b""):
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def do_GET(self):
        with lock:
            payload = json.dumps(attempts).encode()
        self.answer(200, payload)

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        callback_id = self.headers.get("Herald-Callback-Id", "")
        with lock:
            seen[callback_id] = seen.get(callback_id, 0) + 1
            count = seen[callback_id]
        parts = self.path.strip("/").split("/")
        if parts[0] == "ok":
            status = 200
        elif parts[0] == "flaky":
            status = 500 if count <= int(parts[1]) else 200
        else:
            status = 503
        record = {
            "path": self.path, "status": status, "callback_id": callback_id,
            "signature_valid": verify(self.headers.get("Herald-Signature", ""), body),
            "body": json.loads(body or b"null"),
        }
        with lock:
            attempts.append(record)
        self.answer(status, b"{}")


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(f"READY {server.server_address[1]}", flush=True)
server.serve_forever()
