"""The package runs where no Swift toolchain is: its API and workers after `env -i`, the toolchain off every path.

Runs `scripts/package.sh` (PACKAGE_ARGS, default `--debug` to reuse the test command's build; or tests the archive
named by PACKAGE_ARCHIVE), unpacks it, and checks:
- bin/ holds the one program, herald, and the roles' old names as symbolic links to it; `ldd herald` names no Swift
  or Foundation library and nothing "not found"; `herald --help` lists every role and `herald email --help` its
  options with their variables;
- started with `env -i` (PATH=/usr/bin:/bin, no LD_LIBRARY_PATH, only HERALD_* settings), heraldctl migrates a
  database of its own (herald_package) and declares the topology in a vhost of its own (herald-package), makes a
  tenant and key; herald-sandbox (through its link), herald api, renderer, email and sms run, each process named after
  its role, and no Swift library is mapped into any of them (/proc/PID/maps);
- emails and SMS sent through that API are all sent, and a recipient in Europe/Warsaw with a daily digest at 08:00
  gets the window Warsaw's offset gives (time zones need Foundation's ICU part, linked statically);
- over TLS (the local servers' listeners, scripts/setup.sh) heraldctl verifies the broker and the database against
  the local CA, and with a CA that did not sign them exits non-zero with one line naming the failure.
Prints one line, "package: ok ..." or what failed, and exits non-zero on failure.
"""
import datetime
import glob
import os
import re
import shutil
import subprocess
import sys
import tarfile
import time
import zoneinfo

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "fault"))
from fleet import request as http, stop_processes  # noqa: E402

STATE = os.path.abspath(".herald/package-test")
DB, VHOST = "herald_package", "herald-package"
API, SANDBOX = "127.0.0.1:18380", "127.0.0.1:18325"
SMTP = "127.0.0.1:12725"
WORKERS = ["api", "renderer", "email", "sms"]
ROLES = ["api", "renderer", "email", "sms", "poller", "digest", "callbacks", "inbound", "ctl", "sandbox"]
# The roles' old names, symbolic links to herald for one release (heraldctl and herald-sandbox run through them here).
OLD_NAMES = ["herald-api", "herald-renderer", "herald-email", "herald-sms", "herald-poller", "herald-digest",
             "herald-callbacks", "herald-inbound", "herald-sandbox", "heraldctl"]
EMAILS, TEXTS = 40, 10


def fail(message):
    print("package: FAIL " + message, flush=True)
    sys.exit(1)


def run(*command, **options):
    return subprocess.run(command, check=True, capture_output=True, text=True, **options)


def settings():
    return {
        "PATH": "/usr/bin:/bin",
        "HERALD_DATABASE_URL": "postgres://herald:herald@127.0.0.1:5432/%s" % DB,
        "HERALD_AMQP_URL": "amqp://herald:herald@127.0.0.1:5672/%s" % VHOST,
        "HERALD_API_ADDRESS": API,
        "HERALD_SMTP_URL": "smtp://%s" % SMTP,
        "HERALD_TYNTEC_URL": "http://%s" % SANDBOX,
        "HERALD_TYNTEC_API_KEY": "sandbox-key",
        "HERALD_POLL_DELAYS_MS": "300,600,1000",
        "LOG_LEVEL": "warning",
    }


def wait_for(condition, seconds, what):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if condition():
            return
        time.sleep(0.25)
    fail("timed out waiting for " + (what() if callable(what) else what))


def unpack():
    archive = os.environ.get("PACKAGE_ARCHIVE")
    if not archive:
        arguments = os.environ.get("PACKAGE_ARGS", "--debug").split()
        # The test command's own build folder, finished before this runs: package.sh only links again there.
        environment = dict(os.environ, HERALD_SCRATCH_PATH=os.environ.get("HERALD_SCRATCH_PATH", ".build"))
        done = subprocess.run(["bash", "scripts/package.sh", *arguments, "--output", os.path.join(STATE, "dist")],
                              capture_output=True, text=True, env=environment)
        if done.returncode != 0:
            fail("scripts/package.sh exited %d: %s" % (done.returncode, done.stderr[-3000:]))
        archive = done.stdout.strip().splitlines()[-1]
    root = os.path.join(STATE, "unpacked")
    shutil.rmtree(root, ignore_errors=True)
    with tarfile.open(archive) as tar:
        tar.extractall(root, filter="tar")
    (top,) = glob.glob(os.path.join(root, "herald-*"))
    for part in ("README.md", "herald.env.example", "systemd/herald@.service", "systemd/herald-migrate.service"):
        if not os.path.isfile(os.path.join(top, part)):
            fail("the archive has no %s" % part)
    return archive, os.path.join(top, "bin")


def check_help(program):
    """`herald --help` lists every role; a role's --help lists its options with their variables."""
    top = run("env", "-i", "PATH=/usr/bin:/bin", program, "--help").stdout
    missing = [role for role in ROLES if not re.search(r"^\s+%s\s" % role, top, re.M)]
    if missing:
        fail("herald --help does not list %s:\n%s" % (missing, top))
    email = run("env", "-i", "PATH=/usr/bin:/bin", program, "email", "--help").stdout
    options = re.findall(r"^\s+(--[a-z-]+)", email, re.M)
    for variable in ("HERALD_DATABASE_URL", "HERALD_SMTP_URL", "HERALD_SMTP_TLS", "HERALD_PREFETCH"):
        if variable not in email:
            fail("herald email --help does not name %s:\n%s" % (variable, email))
    if len(options) < 10:
        fail("herald email --help lists only %s" % options)


def check_tls(ctl):
    """heraldctl over amqps:// and sslmode=verify-full: the local CA verifies, another CA ends it with one line."""
    local = "/etc/herald/local-ca/ca.pem"
    other = os.path.join(STATE, "other-ca.pem")
    if not os.path.exists(other):
        run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", os.path.join(STATE, "other-ca.key"),
            "-out", other, "-subj", "/CN=Not the Herald local CA", "-days", "2")
    amqps = "amqps://herald:herald@localhost:5671/%s" % VHOST
    database = "postgres://herald:herald@localhost:5432/%s?sslmode=verify-full" % DB
    ctl("queues", "--amqp-url", amqps, "--amqp-ca-file", local, "--database-url", database, "--database-ca-file", local)
    lines = []
    for option, value in (("--amqp-url", amqps), ("--database-url", database)):
        ca = "--amqp-ca-file" if option == "--amqp-url" else "--database-ca-file"
        try:
            ctl("queues", option, value, ca, other)
        except subprocess.CalledProcessError as error:
            said = error.stderr.strip().splitlines()
            if len(said) != 1 or "heraldctl:" not in said[0] or "certificate" not in said[0].lower():
                fail("a CA that did not sign the server's certificate should end heraldctl with one line, not: %r" % said)
            lines.append(said[0])
            continue
        fail("heraldctl accepted a server certificate that %s does not verify" % other)
    print("\n".join("package: refused: " + line for line in lines), flush=True)
    return "TLS to broker and database verified with the local CA, refused with another in one line each"


def main():
    os.makedirs(STATE, exist_ok=True)
    archive, bin_folder = unpack()
    names = sorted(os.listdir(bin_folder))
    if names != sorted(["herald"] + OLD_NAMES):
        fail("the archive's bin/ holds %s" % names)
    for name in OLD_NAMES:
        path = os.path.join(bin_folder, name)
        if not os.path.islink(path) or os.readlink(path) != "herald":
            fail("bin/%s is not a symbolic link to herald" % name)
    program = os.path.join(bin_folder, "herald")
    linked = run("ldd", program).stdout
    if any(word in linked for word in ("libswift", "libFoundation", "libdispatch", "not found")):
        fail("herald needs libraries the package does not carry:\n%s" % linked)
    check_help(program)

    run("runuser", "-u", "postgres", "--", "psql", "-qtA", "-c", "drop database if exists %s" % DB)
    run("runuser", "-u", "postgres", "--", "psql", "-qtA", "-c", "create database %s owner herald" % DB)
    if VHOST not in run("rabbitmqctl", "-q", "list_vhosts").stdout.split():
        run("rabbitmqctl", "-q", "add_vhost", VHOST)
    run("rabbitmqctl", "-q", "set_permissions", "-p", VHOST, "herald", ".*", ".*", ".*")

    def ctl(*arguments):
        return run("env", "-i", *("%s=%s" % item for item in settings().items()),
                   os.path.join(bin_folder, "heraldctl"), *arguments).stdout.strip()

    ctl("migrate")
    ctl("topology")
    ctl("tenants", "create", "package", "--rate-limit", "100000", "--burst", "10000")
    key = ctl("keys", "create", "package", "--tenant", "package").splitlines()[-1]

    processes = []
    try:
        commands = [("herald-sandbox", [os.path.join(bin_folder, "herald-sandbox"), "--smtp", SMTP, "--http", SANDBOX,
                                        "--maildir", os.path.join(STATE, "mail")])]
        commands += [("herald-" + role, [program, role]) for role in WORKERS]
        for number, (name, command) in enumerate(commands):
            environment = dict(settings(), HERALD_METRICS_ADDRESS="127.0.0.1:%d" % (19300 + number))
            log = open(os.path.join(STATE, name + ".log"), "w")
            processes.append(subprocess.Popen(["env", "-i", *("%s=%s" % item for item in environment.items()), *command],
                                              stdout=log, stderr=subprocess.STDOUT))
        wait_for(lambda: http("GET", "http://%s/readyz" % API)[0] == 200, 60, "herald-api ready")
        for (name, _), process in zip(commands, processes):
            maps = open("/proc/%d/maps" % process.pid).read() if process.poll() is None else ""
            if "libswift" in maps or "libFoundation" in maps:
                fail("a Swift library is mapped into %s" % process.args)
        # `env -i` execs the program in place: each role's process carries its role's name (ps, pgrep -x).
        for (name, _), process in zip(commands[1:], processes[1:]):
            def named():
                return open("/proc/%d/comm" % process.pid).read().strip() == name[:15]
            wait_for(named, 10, "the process of %s to carry its role's name" % name)

        http("PUT", "http://%s/v1/templates/p-mail" % API, {"channel": "email", "subject": "P {{n}}", "text": "M {{n}}"}, key)
        http("PUT", "http://%s/v1/templates/p-sms" % API, {"channel": "sms", "text": "S {{n}}"}, key)
        items = [{"channel": "email", "to": {"email": "p%d@example.com" % n}, "template": "p-mail", "variables": {"n": n}}
                 for n in range(EMAILS)]
        items += [{"channel": "sms", "to": {"phone": "+4862%07d" % n}, "template": "p-sms", "variables": {"n": n}}
                  for n in range(TEXTS)]
        status, body = http("POST", "http://%s/v1/procedures" % API, {"kind": "package", "messages": items}, key)
        if status != 202:
            fail("the procedure was refused: %s %s" % (status, body))
        ids = body["message_ids"]

        states = []

        def sent():
            states[:] = [http("GET", "http://%s/v1/messages/%s" % (API, i), key=key)[1]["state"] for i in ids]
            return all(state in ("sent", "delivered") for state in states)
        wait_for(sent, 90, lambda: "every message sent (states: %s)" % sorted(set(states)))
        received = http("GET", "http://%s/mail" % SANDBOX)[1]

        status, _ = http("PUT", "http://%s/v1/recipients/package-ewa" % API, {
            "email": "ewa@example.com", "timezone": "Europe/Warsaw", "preference": "daily", "digest_hour": 8}, key)
        if status not in (200, 201):
            fail("a recipient in Europe/Warsaw was refused (%s): time zones are missing from the binaries" % status)
        http("PUT", "http://%s/v1/templates/p-event" % API, {"channel": "email", "subject": "E", "text": "e"}, key)
        status, reply = http("POST", "http://%s/v1/notifications" % API,
                             {"recipient": "package-ewa", "template": "p-event", "category": "p"}, key)
        after = datetime.datetime.fromisoformat(reply["deliver_after"].replace("Z", "+00:00")) if status == 202 else None
        local = after.astimezone(zoneinfo.ZoneInfo("Europe/Warsaw")) if after else None
        if not local or (local.hour, local.minute) != (8, 0) or after <= datetime.datetime.now(datetime.timezone.utc):
            fail("a daily digest at 08:00 in Warsaw is due at %s (%s)" % (after, reply))
        tls = check_tls(ctl)
        size = os.path.getsize(archive) / 1e6
        print("package: ok %s (%.0f MB): no Swift library linked or mapped; after env -i, %d emails and %d SMS sent, "
              "%d mails at the sandbox; Warsaw's 08:00 digest due at %s; %s" % (
                  os.path.basename(archive), size, EMAILS, TEXTS, received.get("count", len(received.get("recent", []))),
                  after.isoformat(), tls), flush=True)
    finally:
        stop_processes(processes)


if __name__ == "__main__":
    main()
