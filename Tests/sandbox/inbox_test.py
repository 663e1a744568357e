"""The sandbox's web inbox in a real browser, after the demo's sends.

Runs `scripts/demo.sh --keep` (the main job end to end, leaving the fleet and the sandbox running), sends one hostile
mail straight to the sandbox's SMTP port (markup in the subject, a script and a remote image in the HTML part), then
loads http://127.0.0.1:8025/ in headless Chromium (the Debian package): the rendered page must show every mail's
decoded subject and sender, every SMS with its delivery state and every callback received, newest first, with HTML
parts only in sandboxed iframes and the hostile markup as text. Saves a screenshot to .herald/inbox.png. Prints
"inbox: ok" or what is missing, and stops the fleet.
"""
import html
import json
import os
import re
import smtplib
import subprocess
import sys
import time
import urllib.request
from email.message import EmailMessage

SANDBOX = "http://127.0.0.1:8025"
STATE = os.path.abspath(".herald")
SHOT = os.path.join(STATE, "inbox.png")


def get(path):
    with urllib.request.urlopen(SANDBOX + path, timeout=10) as response:
        return json.load(response)


def chromium(*arguments):
    command = ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
               "--window-size=1400,1600", "--virtual-time-budget=5000", *arguments, SANDBOX + "/"]
    return subprocess.run(command, capture_output=True, text=True, timeout=120)


def main():
    os.makedirs(STATE, exist_ok=True)
    demo = subprocess.run(["bash", "scripts/demo.sh", "--keep"], capture_output=True, text=True, timeout=900)
    problems = []
    try:
        if demo.returncode != 0:
            print(demo.stdout[-3000:], demo.stderr[-3000:])
            raise SystemExit("inbox: the demo failed (exit %d)" % demo.returncode)
        hostile = EmailMessage()
        hostile["From"] = "Mallory <mallory@example.com>"
        hostile["To"] = "victim@example.com"
        hostile["Subject"] = 'Zażółć <img src="x" onerror="document.title=1"> gęślą'
        hostile.set_content("plain part of the hostile mail")
        hostile.add_alternative('<p id="evil">hi</p><script>document.title="owned"</script>'
                                '<img src="http://127.0.0.1:9/pixel.png">', subtype="html")
        with smtplib.SMTP("127.0.0.1", 2525, timeout=10) as smtp:
            smtp.send_message(hostile)
        time.sleep(0.5)

        mail, sms, callbacks = get("/mail")["recent"], get("/sms")["recent"], get("/callbacks")["recent"]
        dom = chromium("--dump-dom")
        if dom.returncode != 0:
            raise SystemExit("inbox: chromium failed: %s" % dom.stderr[-2000:])
        page = dom.stdout
        text = html.unescape(re.sub(r"<[^>]+>", " ", re.sub(r'srcdoc="[^"]*"', "", page)))

        if len(mail) < 5 or len(sms) < 3 or len(callbacks) < 5:
            problems.append("the demo's sends did not all arrive: %d mail, %d SMS, %d callbacks"
                            % (len(mail), len(sms), len(callbacks)))
        for item in mail:
            for value in (item["subject"], item["from_header"]):
                if value not in text:
                    problems.append("mail %r not shown" % value)
        # The demo's tenant signs its mail with its own Ed25519 key: the inbox shows each signature.
        signed = [item for item in mail if item["dkim"]]
        if not signed or not all(" ed25519-sha256" in item["dkim"][0] and item["dkim"][0] in text for item in signed):
            problems.append("DKIM signatures not shown: %s" % [item["dkim"] for item in mail][:3])
        for item in sms:
            if item["message"] not in text or item["status"] not in text:
                problems.append("SMS %r (%s) not shown" % (item["message"], item["status"]))
        for item in callbacks:
            if item["body"]["id"] not in text:
                problems.append("callback for %s not shown" % item["body"]["id"])
        # Newest first: the hostile mail, sent last, comes before the demo's first mail.
        if text.find("Zażółć") < 0 or text.find("Zażółć") > text.find(mail[-1]["subject"]):
            problems.append("mail is not newest first")
        frames = re.findall(r"<iframe[^>]*>", page)
        if len(frames) < len([m for m in mail if m["html"]]) or not all('sandbox=""' in f for f in frames):
            problems.append("HTML parts are not all in sandboxed iframes: %s" % frames[:3])
        if '<img src="x"' in page or "<script>document.title" in page or 'id="evil"' in page:
            problems.append("hostile markup reached the page as markup")
        if "<title>Herald sandbox</title>" not in page:
            problems.append("the page title changed")

        shot = chromium("--screenshot=" + SHOT)
        if shot.returncode != 0 or not os.path.exists(SHOT) or os.path.getsize(SHOT) < 10_000:
            problems.append("no screenshot: %s" % shot.stderr[-500:])
    finally:
        bin_path = subprocess.run(["swift", "build", "--show-bin-path"], capture_output=True, text=True).stdout.strip()
        subprocess.run(["pkill", "-f", bin_path + "/herald "])
    for problem in problems:
        print("FAIL " + problem)
    print("inbox: %s (%d mail, %d SMS, %d callbacks shown; screenshot %s)"
          % ("ok" if not problems else "FAILED", len(mail), len(sms), len(callbacks), SHOT))
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
