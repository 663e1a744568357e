import Hummingbird

/// The sandbox's web inbox at `/`, as Mailpit is for developers' mail: the mail the SMTP sink received (decoded
/// subject, sender, recipients, the text part and the HTML part), the SMS the Tyntec sandbox took with their delivery
/// states, and the delivery-status callbacks received; newest first, refreshed every two seconds. A form sends a
/// recipient's reply (say STOP) to herald-api's inbound URL, as Tyntec would.
///
/// Safe with hostile mail: every value is set as text, never as markup; an HTML part is shown in an iframe with
/// `sandbox` (no scripts, no forms, a unique origin) and the page's Content-Security-Policy, which also keeps remote
/// images (tracking pixels) from loading.
enum InboxPage {
    static let policy = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; frame-src 'self'; "
        + "img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

    static func add(to router: Router<BasicRequestContext>) {
        router.get("/") { _, _ in respond(html, type: "text/html; charset=utf-8") }
        router.get("inbox.js") { _, _ in respond(script, type: "text/javascript; charset=utf-8") }
        router.get("inbox.css") { _, _ in respond(style, type: "text/css; charset=utf-8") }
    }

    private static func respond(_ text: String, type: String) -> Response {
        Response(
            status: .ok,
            headers: [.contentType: type, .contentSecurityPolicy: policy, .init("X-Content-Type-Options")!: "nosniff",
                      .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    static let html = """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <title>Herald sandbox</title>
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <link rel="stylesheet" href="/inbox.css">
        <script src="/inbox.js" defer></script>
        </head>
        <body>
        <header><h1>Herald sandbox</h1><span id="updated">loading…</span></header>
        <main>
        <section id="mail"><h2>Mail <span class="count" id="mail-count"></span></h2><ol id="mail-list"></ol></section>
        <section id="sms"><h2>SMS <span class="count" id="sms-count"></span></h2>
        <form id="reply" title="Sends a recipient's reply to herald-api as Tyntec would (sandbox --inbound-url)">
        <input name="from" placeholder="from +48601234567" required> <input name="to" placeholder="to: a tenant's number" required>
        <input name="text" placeholder="STOP" required> <button>Reply</button> <span id="reply-status" class="meta"></span>
        </form>
        <ol id="sms-list"></ol></section>
        <section id="callbacks"><h2>Callbacks <span class="count" id="callbacks-count"></span></h2><ol id="callbacks-list"></ol></section>
        </main>
        </body>
        </html>
        """

    static let style = """
        body { font: 14px/1.4 system-ui, sans-serif; margin: 0; color: #1d2430; background: #f4f5f7; }
        header { display: flex; align-items: baseline; gap: 1em; padding: 0.6em 1.2em; background: #1d2430; color: #fff; }
        h1 { font-size: 1.2em; margin: 0; }
        #updated { color: #aab; font-size: 0.9em; }
        main { display: grid; grid-template-columns: 2fr 1fr 1fr; gap: 1em; padding: 1em; }
        section { background: #fff; border-radius: 6px; padding: 0.5em 1em; min-width: 0; }
        h2 { font-size: 1.05em; margin: 0.4em 0; }
        .count { color: #778; font-weight: normal; }
        ol { list-style: none; margin: 0; padding: 0; }
        li { border-top: 1px solid #e3e5ea; padding: 0.5em 0; overflow-wrap: anywhere; }
        .subject { font-weight: 600; }
        .meta { color: #556; font-size: 0.9em; }
        details { margin-top: 0.3em; }
        pre { white-space: pre-wrap; margin: 0.3em 0; font-size: 0.92em; background: #f7f8fa; padding: 0.4em; }
        iframe { width: 100%; height: 120px; border: 1px solid #d8dbe2; background: #fff; }
        .state { display: inline-block; padding: 0 0.45em; border-radius: 3px; font-size: 0.85em; background: #e3e5ea; }
        .state.DELIVERED, .state.delivered, .state.sent { background: #d5f0dc; }
        .state.failed, .state.undeliverable, .state.dead, .state.REJECTED, .state.UNDELIVERABLE, .state.EXPIRED { background: #f6d6d6; }
        """

    static let script = #"""
        "use strict";
        // Every value goes in as text (textContent), never as markup; HTML parts go to sandboxed iframes.
        function el(tag, className, text) {
          const node = document.createElement(tag);
          if (className) node.className = className;
          if (text !== undefined && text !== null) node.textContent = String(text);
          return node;
        }
        function time(value) { return value ? new Date(value).toLocaleTimeString() : ""; }
        function fill(name, count, items, render) {
          document.getElementById(name + "-count").textContent = "(" + count + ")";
          const list = document.getElementById(name + "-list");
          const key = JSON.stringify(items);
          if (list.dataset.key === key) return;
          list.dataset.key = key;
          list.replaceChildren(...items.map(render));
          if (items.length === 0) list.append(el("li", "meta", "nothing yet"));
        }
        function mail(item) {
          const li = el("li");
          li.append(el("div", "subject", item.subject || "(no subject)"));
          li.append(el("div", "meta", "From " + (item.from_header || item.from) + " to " + (item.to_header || item.to.join(", ")) + " · " + time(item.received_at)));
          li.append(el("div", "meta", "Return-Path " + (item.from || "<>")
            + (item.dkim.length ? " · DKIM " + item.dkim.join(", ") : " · unsigned")
            + (item.list_unsubscribe ? " · List-Unsubscribe" + (item.one_click ? " (one-click)" : "") : "")));
          if (item.text) {
            const text = el("details"); text.open = !item.html;
            text.append(el("summary", null, "text"), el("pre", null, item.text));
            li.append(text);
          }
          if (item.html) {
            const html = el("details"); html.open = true;
            const frame = document.createElement("iframe");
            frame.setAttribute("sandbox", "");
            frame.setAttribute("referrerpolicy", "no-referrer");
            frame.title = "HTML part";
            frame.srcdoc = item.html;
            html.append(el("summary", null, "HTML"), frame);
            li.append(html);
          }
          return li;
        }
        function sms(item) {
          const li = el("li");
          li.append(el("span", "state " + item.status, item.status), el("span", "meta", " to " + item.to + " from " + item.from));
          li.append(el("pre", null, item.message));
          return li;
        }
        function callback(item) {
          const body = item.body || {};
          const li = el("li");
          li.append(el("span", "state " + body.state, body.state || "?"), el("span", "meta", " " + (body.channel || "") + " " + (body.reference || "")));
          li.append(el("div", "meta", "message " + (body.id || "") + " · " + time(item.received_at) + (item.signature ? " · signed" : "")));
          if (body.detail) li.append(el("div", "meta", body.detail));
          return li;
        }
        async function refresh() {
          try {
            const [m, s, c] = await Promise.all(["/mail", "/sms", "/callbacks"].map((path) => fetch(path).then((r) => r.ok ? r.json() : null)));
            if (m) fill("mail", m.count, m.recent, mail);
            if (s) fill("sms", s.count, s.recent, sms);
            if (c) fill("callbacks", c.count, c.recent, callback);
            document.getElementById("updated").textContent = "updated " + new Date().toLocaleTimeString();
          } catch (error) {
            document.getElementById("updated").textContent = "cannot reach the sandbox: " + error;
          }
        }
        document.getElementById("reply").addEventListener("submit", async (event) => {
          event.preventDefault();
          const fields = event.target.elements;
          const body = { from: fields.from.value.trim(), to: fields.to.value.trim(), text: fields.text.value };
          const answer = await fetch("/sms/inbound", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
          document.getElementById("reply-status").textContent = answer.ok ? "sent to herald-api" : "refused (" + answer.status + ")";
        });
        refresh();
        setInterval(refresh, 2000);
        """#
}
