"""The fleet under test: Herald's own executables against the local PostgreSQL (database herald_fault) and RabbitMQ
(vhost herald-fault), with short timeouts so that faults resolve within the test; and small HTTP and SQL helpers."""
import concurrent.futures
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.request
import uuid

DB = "herald_fault"
VHOST = "herald-fault"
API = "127.0.0.1:18080"
STATE = os.path.abspath(".herald/fault")
# Where the providers listen, set once they are started.
PORTS = {"smtp": 0, "tyntec": 0, "callbacks": 0}


def psql(sql, database=None):
    """The rows `sql` returns in DB (or `database`), '|'-separated, one per line."""
    out = subprocess.run(
        ["runuser", "-u", "postgres", "--", "psql", "-qtA", "-d", database or DB, "-c", sql],
        check=True, capture_output=True, text=True)
    return out.stdout.strip()


def fresh_servers():
    """An empty STATE folder, a new database DB and a new vhost VHOST in which the herald user may do anything."""
    if os.path.isdir(STATE):
        for name in os.listdir(STATE):
            os.remove(os.path.join(STATE, name))
    os.makedirs(STATE, exist_ok=True)
    psql("drop database if exists %s" % DB, database="postgres")
    psql("create database %s owner herald" % DB, database="postgres")
    vhosts = subprocess.run(["rabbitmqctl", "-q", "list_vhosts"], check=True, capture_output=True, text=True).stdout
    if VHOST in vhosts.split():
        subprocess.run(["rabbitmqctl", "-q", "delete_vhost", VHOST], check=True)
    subprocess.run(["rabbitmqctl", "-q", "add_vhost", VHOST], check=True)
    subprocess.run(["rabbitmqctl", "-q", "set_permissions", "-p", VHOST, "herald", ".*", ".*", ".*"], check=True)


def env(**extra):
    values = {
        "PATH": os.environ["PATH"],
        "HERALD_DATABASE_URL": "postgres://herald:herald@127.0.0.1:5432/%s" % DB,
        "HERALD_AMQP_URL": "amqp://herald:herald@127.0.0.1:5672/%s" % VHOST,
        "HERALD_API_ADDRESS": API,
        "HERALD_SMTP_URL": "smtp://127.0.0.1:%d" % PORTS["smtp"],
        "HERALD_SMTP_TIMEOUT_SECONDS": "2",
        "HERALD_TYNTEC_TIMEOUT_SECONDS": "1",
        "HERALD_TYNTEC_URL": "http://127.0.0.1:%d" % PORTS["tyntec"],
        "HERALD_TYNTEC_API_KEY": "fault-key",
        "HERALD_POLL_DELAYS_MS": "300,600,1000",
        "HERALD_RETRY_DELAYS_MS": "500,1000,2000,4000",
        "HERALD_DELIVERY_LIMIT": "10",
        "HERALD_SENDING_TIMEOUT_SECONDS": "7",
        "HERALD_STALL_SECONDS": "30",
        "HERALD_JOB_TIMEOUT_SECONDS": "15",
        "HERALD_RELAY_INTERVAL_MS": "200",
        "HERALD_RELAY_GRACE_MS": "1000",
        "HERALD_CALLBACK_TIMEOUT_MS": "2000",
        # The callback receivers of the tests listen on loopback.
        "HERALD_CALLBACK_ALLOWED_NETWORKS": "127.0.0.0/8",
        "LOG_LEVEL": "warning",
    }
    values.update(extra)
    return values


def use(db, vhost, api, state, settings):
    """Points every helper here at a test's own database, vhost, API address and log folder, with `settings` over
    the environment every process and `herald ctl` get."""
    global DB, VHOST, API, STATE, env
    DB, VHOST, API, STATE = db, vhost, api, os.path.abspath(state)
    base = env

    def overlaid(**extra):
        values = base(**settings)
        values.update(extra)
        return values
    env = overlaid


def ctl(bin_folder, *arguments, ok=True):
    """`herald ctl ARGUMENTS` with the fleet's environment; raises with its error line unless `ok` is False."""
    done = subprocess.run([os.path.join(bin_folder, "herald"), "ctl", *arguments], env=env(), capture_output=True,
                          text=True)
    if ok and done.returncode != 0:
        raise RuntimeError("herald ctl %s: %s" % (" ".join(arguments), done.stderr.strip()))
    return done


class Checks:
    """One line per check, then a closing "LABEL: N passed, N failed" and the exit status."""

    def __init__(self, label, width=48):
        self.label = label
        self.width = width
        self.results = []

    def __call__(self, name, ok, detail=""):
        self.results.append(bool(ok))
        print("%s %-*s %s" % ("ok  " if ok else "FAIL", self.width, name, detail), flush=True)

    def run(self, steps):
        """Runs each (name, step) in turn; a step that raises fails as one check naming the error, and the next runs."""
        for name, step in steps:
            try:
                step()
            except Exception as error:
                self(name, False, "%s: %s" % (type(error).__name__, error))

    def finish(self):
        passed = sum(1 for ok in self.results if ok)
        print("%s: %d passed, %d failed" % (self.label, passed, len(self.results) - passed))
        sys.exit(0 if passed == len(self.results) else 1)


def log_lines_matching(pattern):
    """Lines of the processes' logs in STATE that match `pattern`, as file:line: text."""
    found = []
    for name in sorted(os.listdir(STATE)):
        with open(os.path.join(STATE, name), errors="replace") as log:
            for number, line in enumerate(log, 1):
                if re.search(pattern, line):
                    found.append("%s:%d: %s" % (name, number, line.strip()[:200]))
    return found


class Fleet:
    """The executables, supervised as systemd's Restart=on-failure would: a process that exits on its own (the
    watchdog ends a process whose work stalled) is started again, and counted."""
    kinds = ["herald-api", "herald-renderer", "herald-email", "herald-sms", "herald-poller", "herald-callbacks"]

    def __init__(self, bin_folder, kinds=None):
        self.bin = bin_folder
        self.kinds = kinds or Fleet.kinds
        self.processes = {}
        self.lock = threading.Lock()
        self.down = set()
        self.stopping = False
        self.restarts = {}
        os.makedirs(STATE, exist_ok=True)
        threading.Thread(target=self.supervise, daemon=True).start()

    def start(self, kind):
        log = open(os.path.join(STATE, kind + ".log"), "a")
        metrics = {"herald-api": 19090, "herald-renderer": 19091, "herald-email": 19092, "herald-sms": 19093,
                   "herald-poller": 19094, "herald-callbacks": 19095, "herald-inbound": 19096}[kind]
        with self.lock:
            self.processes[kind] = subprocess.Popen(
                [os.path.join(self.bin, "herald"), kind.replace("herald-", "", 1)], env=env(HERALD_METRICS_ADDRESS="127.0.0.1:%d" % metrics),
                stdout=log, stderr=subprocess.STDOUT)
            self.down.discard(kind)

    def kill(self, kind):
        with self.lock:
            self.down.add(kind)
            process = self.processes[kind]
        process.send_signal(signal.SIGKILL)
        process.wait()

    def supervise(self):
        while True:
            time.sleep(0.5)
            with self.lock:
                exited = [(kind, process.returncode) for kind, process in self.processes.items()
                          if process.poll() is not None and kind not in self.down and not self.stopping]
            for kind, status in exited:
                # Keyed by kind and exit status: 70 is the watchdog's, anything else a failure worth a look.
                self.restarts[(kind, status)] = self.restarts.get((kind, status), 0) + 1
                self.start(kind)

    def take_restarts(self):
        """Processes restarted by the supervisor since the last call, as {(kind, exit status): count}."""
        with self.lock:
            restarts, self.restarts = self.restarts, {}
        return restarts

    def start_all(self):
        for kind in self.kinds:
            self.start(kind)
        wait_for(lambda: http("GET", "/readyz")[0] == 200, 60, "herald-api ready")

    def stop_all(self):
        with self.lock:
            self.stopping = True
            processes = list(self.processes.values())
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


def http(method, path, body=None, key=None, idempotency_key=None):
    return request(method, "http://%s%s" % (API, path), body, key, idempotency_key)


def request(method, url, body=None, key=None, idempotency_key=None):
    """One JSON request: (status, parsed body), (status, raw body) for an error, or (0, why) if nothing answered."""
    prepared = urllib.request.Request(url, method=method, data=json.dumps(body).encode() if body is not None else None)
    prepared.add_header("Content-Type", "application/json")
    if key:
        prepared.add_header("Authorization", "Bearer " + key)
    if idempotency_key:
        prepared.add_header("Idempotency-Key", idempotency_key)
    try:
        with urllib.request.urlopen(prepared, timeout=30) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, error.read()
    except OSError as error:
        return 0, str(error)


def stop_processes(processes):
    """SIGTERM to each, then SIGKILL to those still running after 20 s."""
    for process in processes:
        process.terminate()
    for process in processes:
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


def accept_each(key, bodies):
    """POSTs each body to /v1/messages (16 at once, each with its own Idempotency-Key, retried until accepted);
    returns the ids in order."""
    def accept(body):
        idempotency_key = str(uuid.uuid4())
        for _ in range(50):
            status, reply = http("POST", "/v1/messages", body, key, idempotency_key=idempotency_key)
            if status == 202:
                return reply["id"]
            time.sleep(0.2)
        raise RuntimeError("a message was not accepted: %s %s" % (status, reply))
    with concurrent.futures.ThreadPoolExecutor(16) as pool:
        return list(pool.map(accept, bodies))


def start_providers():
    """Starts the providers of providers.py (SMTP, Tyntec, callback receiver) and points PORTS at them; returns
    (the callback receiver's port, stop)."""
    import providers
    smtp_port, tyntec_port, callback_port, stop = providers.start()
    PORTS.update(smtp=smtp_port, tyntec=tyntec_port, callbacks=callback_port)
    return callback_port, stop


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

