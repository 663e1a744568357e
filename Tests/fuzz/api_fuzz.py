"""Fuzzes herald-api over HTTP with hypothesis: no request may get a 5xx, crash or stall the API, and every non-2xx
answer must be application/problem+json. Then checks that a database failure during authentication and intake
leaves no API key, address or variable in the API's log. Then schemathesis (an independent tool) reads the API's own
OpenAPI document from GET /openapi.json and tests every operation against it, with an operator key: no 5xx, every
status, content type, header and body as documented (examples, coverage, fuzzing and stateful phases, bounded by
SCHEMATHESIS_SECONDS, 150 by default).

Starts its own herald-api (from the build folder given as the first argument) on a database of its own. Requests
are bounded by FUZZ_EXAMPLES (per route family, 400 by default) and each has a 10 s timeout. Prints a closing
"N passed, N failed".
"""
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request

from hypothesis import HealthCheck, given, settings, strategies as st

BIN = sys.argv[1]
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "400"))
DB = "herald_fuzz"
PORT = 18090
LOG = os.path.abspath(".herald/fuzz/herald-api.log")
ENV = {
    "PATH": os.environ["PATH"],
    "HERALD_DATABASE_URL": "postgres://herald:herald@127.0.0.1:5432/%s" % DB,
    "HERALD_AMQP_URL": "amqp://herald:herald@127.0.0.1:5672/herald-fault",
    "HERALD_API_ADDRESS": "127.0.0.1:%d" % PORT,
    "HERALD_METRICS_ADDRESS": "127.0.0.1:18091",
    "HERALD_RETRY_DELAYS_MS": "500,1000,2000,4000",
    "LOG_LEVEL": "info",
}
FAILURES = []


def psql(sql, database=DB):
    return subprocess.run(["runuser", "-u", "postgres", "--", "psql", "-qtA", "-d", database, "-c", sql],
                          check=True, capture_output=True, text=True).stdout.strip()


def raw_request(method, path, body=b"", headers=None):
    """Sends bytes as they are (paths and headers included) and returns (status, content type, body)."""
    head = b"%s %s HTTP/1.1\r\nHost: fuzz\r\nConnection: close\r\nContent-Length: %d\r\n" % (
        method.encode(), path, len(body))
    for name, value in (headers or {}).items():
        head += name.encode() + b": " + value + b"\r\n"
    with socket.create_connection(("127.0.0.1", PORT), timeout=10) as s:
        s.sendall(head + b"\r\n" + body)
        data = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
    header, _, payload = data.partition(b"\r\n\r\n")
    lines = header.split(b"\r\n")
    status = int(lines[0].split()[1])
    content_type = next((l.split(b":", 1)[1].strip().decode() for l in lines[1:] if l.lower().startswith(b"content-type:")), "")
    return status, content_type, payload


def check(method, path, body=b"", headers=None):
    try:
        status, content_type, payload = raw_request(method, path, body, headers)
    except (OSError, IndexError, ValueError) as error:
        FAILURES.append("%s %r: no answer (%s)" % (method, path[:80], error))
        raise AssertionError("no answer")
    if status >= 500:
        FAILURES.append("%s %r: %d %s" % (method, path[:80], status, payload[:200]))
    if status >= 400 and not content_type.startswith("application/problem+json"):
        FAILURES.append("%s %r: %d without problem+json (%r)" % (method, path[:80], status, content_type))
    assert status < 500 and (status < 400 or content_type.startswith("application/problem+json"))


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=40),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=12)
fields = {
    "channel": st.sampled_from(["email", "sms", "fax", "", None, 3]),
    "to": st.one_of(st.fixed_dictionaries({"email": st.text(max_size=30)}), st.fixed_dictionaries({"phone": st.text(max_size=20)}), json_values),
    "template": st.sampled_from(["fz", "missing", "", "\u0000", "a" * 300]) | st.text(max_size=20),
    "variables": json_values,
    "send_at": st.sampled_from(["2030-01-01T00:00:00Z", "yesterday", "", None]) | st.text(max_size=25),
    "locale": st.text(max_size=40),
    "subject": st.text(max_size=60),
    "text": st.text(max_size=200) | st.sampled_from(["{{#a}}" * 40, "{{=<% %>=}}<%#a%>", "{{a}}" * 50, "\u0000"]),
    "preference": st.sampled_from(["immediate", "daily", "weekly", "hourly", "never"]) | json_values,
    "timezone": st.sampled_from(["UTC", "Europe/Warsaw", "Mars/Olympus"]) | st.text(max_size=20),
    "recipient": st.text(max_size=30),
    "due_at": st.text(max_size=30),
    "key": st.text(max_size=30),
    "remind_before": json_values,
    "kind": st.text(max_size=20),
}
bodies = st.fixed_dictionaries({}, optional=fields) | json_values
raw_bodies = st.binary(max_size=200)
paths = st.sampled_from([
    b"/v1/messages", b"/v1/procedures", b"/v1/notifications", b"/v1/reminders", b"/v1/templates/fz",
    b"/v1/recipients/r1", b"/v1/messages/00000000-0000-0000-0000-000000000000", b"/v1/reminders/k",
])
methods = st.sampled_from(["GET", "POST", "PUT", "DELETE", "PATCH"])
path_suffixes = st.binary(max_size=20)
header_values = st.binary(max_size=40)


def fuzz_settings():
    return settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None)


def run_fuzz(key):
    auth = {"Authorization": ("Bearer " + key).encode()}

    @fuzz_settings()
    @given(methods, paths, bodies)
    def json_requests(method, path, body):
        check(method, path, json.dumps(body).encode(), dict(auth, **{"Content-Type": b"application/json"}))

    @fuzz_settings()
    @given(methods, paths, raw_bodies)
    def raw_bodies_requests(method, path, body):
        check(method, path, body, auth)

    @fuzz_settings()
    @given(methods, paths, path_suffixes, header_values)
    def odd_paths_and_headers(method, path, suffix, value):
        check(method, path + b"/" + suffix.replace(b" ", b"%20"), b"{}",
              dict(auth, **{"Idempotency-Key": value.replace(b"\r", b"").replace(b"\n", b"")}))

    results = []
    for test in (json_requests, raw_bodies_requests, odd_paths_and_headers):
        try:
            test()
            results.append(True)
        except AssertionError:
            results.append(False)
        except Exception as error:
            FAILURES.append("%s: %s" % (test.__name__, error))
            results.append(False)
    return results


def regressions(key):
    """The cases that once crashed the API or gave 500s."""
    auth = {"Authorization": ("Bearer " + key).encode(), "Content-Type": b"application/json"}
    deep = json.dumps({"channel": "email", "subject": "s", "text": "{{#a}}" * 4000}).encode()
    cases = [
        ("PUT", b"/v1/templates/deep", deep, 422),
        ("PUT", b"/v1/templates/nul", json.dumps({"channel": "email", "subject": "s", "text": "a\u0000b"}).encode(), 400),
        ("POST", b"/v1/messages", json.dumps({"channel": "email", "to": {"email": "a@b.c"}, "template": "fz",
                                               "variables": {"x": "\u0000"}}).encode(), 400),
        ("GET", b"/v1/recipients/a%00b", b"", 400),
        ("GET", b"/v1/recipients/\xff\xfe", b"", 400),
        ("POST", b"/v1/messages", b"{}", 400),
    ]
    ok = True
    for method, path, body, expected in cases:
        headers = dict(auth)
        if body == b"{}":
            headers["Idempotency-Key"] = b"a\x01b"
        status, content_type, payload = raw_request(method, path, body, headers)
        if status != expected or not content_type.startswith("application/problem+json"):
            FAILURES.append("regression %s %r: %d %s" % (method, path, status, payload[:200]))
            ok = False
    status, content_type, _ = raw_request("GET", b"/v1/messages/x", b"", {"Authorization": b"Bearer " + b"a" * 100_000})
    if status not in (400, 431) or not content_type.startswith("application/problem+json"):
        FAILURES.append("regression 100 KB Authorization: %d %s" % (status, content_type))
        ok = False
    return ok


def no_secrets_in_logs(api, key):
    """Breaks the database under the API (the tables it reads are renamed) and sends a request that authenticates
    and one that is accepted: the log must name the failure but hold no key, address or variable."""
    secret_address = "leak-check-%d@example.com" % time.time()
    secret_variable = "variable-%d" % time.time()
    other_key = "hk_" + "z" * 40
    psql("alter table api_keys rename to api_keys_away")
    try:
        raw_request("GET", b"/v1/messages/00000000-0000-0000-0000-000000000000", b"",
                    {"Authorization": ("Bearer " + other_key).encode()})
    finally:
        psql("alter table api_keys_away rename to api_keys")
    psql("alter table messages rename to messages_away")
    try:
        raw_request("POST", b"/v1/messages", json.dumps({
            "channel": "email", "to": {"email": secret_address}, "template": "fz",
            "variables": {"name": secret_variable}}).encode(),
            {"Authorization": ("Bearer " + key).encode(), "Content-Type": b"application/json"})
    finally:
        psql("alter table messages_away rename to messages")
    time.sleep(0.5)
    log = open(LOG).read()
    leaked = [name for name, value in (("key", other_key), ("key", key), ("address", secret_address),
                                       ("variable", secret_variable)) if value in log]
    logged = "request failed" in log
    if leaked or not logged:
        FAILURES.append("log check: leaked %s; failure logged: %s" % (leaked, logged))
    return not leaked and logged


def schemathesis(key):
    """Every response of every documented operation conforms to /openapi.json, and none is a 5xx."""
    report = os.path.join(os.path.dirname(LOG), "schemathesis.log")
    with open(report, "w") as out:
        done = subprocess.run(
            ["schemathesis", "run", "http://127.0.0.1:%d/openapi.json" % PORT, "-H", "Authorization: Bearer " + key,
             "--checks", "not_a_server_error,status_code_conformance,content_type_conformance,"
             "response_schema_conformance,response_headers_conformance",
             "--max-examples", "20", "--max-time", os.environ.get("SCHEMATHESIS_SECONDS", "150"), "--no-color",
             "--output-sanitize", "true", "--seed", os.environ.get("SCHEMATHESIS_SEED", "1")],
            stdout=out, stderr=subprocess.STDOUT, cwd=os.path.dirname(LOG))
    summary = [line.strip() for line in open(report) if "generated" in line or "failure" in line.lower()]
    print("schemathesis: %s (%s)" % ("ok" if done.returncode == 0 else "FAILED", "; ".join(summary[-2:])))
    if done.returncode != 0:
        FAILURES.append("schemathesis found responses that break /openapi.json or 5xx; see %s" % report)
        print(open(report).read()[-6000:])
    return done.returncode == 0


def main():
    os.makedirs(os.path.dirname(LOG), exist_ok=True)
    psql("drop database if exists %s" % DB, database="postgres")
    psql("create database %s owner herald" % DB, database="postgres")
    subprocess.run([os.path.join(BIN, "herald"), "ctl", "migrate"], env=ENV, check=True, capture_output=True)
    subprocess.run([os.path.join(BIN, "herald"), "ctl", "topology"], env=ENV, check=True, capture_output=True)
    key = subprocess.run([os.path.join(BIN, "herald"), "ctl", "keys", "create", "fuzz"], env=ENV, check=True,
                         capture_output=True, text=True).stdout.strip().splitlines()[-1]
    operator_key = subprocess.run([os.path.join(BIN, "herald"), "ctl", "keys", "create", "schemathesis", "--operator"],
                                  env=ENV, check=True, capture_output=True, text=True).stdout.strip().splitlines()[-1]
    api = subprocess.Popen([os.path.join(BIN, "herald"), "api"], env=ENV, stdout=open(LOG, "w"), stderr=subprocess.STDOUT)
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen("http://127.0.0.1:%d/readyz" % PORT, timeout=2)
                break
            except OSError:
                time.sleep(0.2)
        raw_request("PUT", b"/v1/templates/fz", json.dumps({"channel": "email", "subject": "s {{x}}", "text": "t"}).encode(),
                    {"Authorization": ("Bearer " + key).encode()})
        results = run_fuzz(key)
        results.append(regressions(key))
        results.append(no_secrets_in_logs(api, key))
        results.append(schemathesis(operator_key))
        results.append(api.poll() is None)
        if api.poll() is not None:
            FAILURES.append("herald-api exited with %s" % api.returncode)
    finally:
        api.terminate()
        api.wait(timeout=20)
    for failure in FAILURES[:20]:
        print("FAIL " + failure)
    print("fuzz: %d requests per family; %d passed, %d failed" % (EXAMPLES, sum(results), len(results) - sum(results)))
    sys.exit(0 if all(results) else 1)


if __name__ == "__main__":
    main()
