#!/usr/bin/python3
"""Read back what the SMTP sink kept, with Python's email package (a real
MIME parser), one line per message and recipient, tab-separated:

  kind  id  campaign  to-name  to-address  subject  token-in-subject
  token-in-body  language  clean

'clean' is "ok" when the message has exactly the headers enlace writes,
each once, and none came from data (no Bcc, no header injected).

  mail-check.py [--skip N] SINK-DIR

--skip N leaves out the first N messages the sink took: a test that
checks each round's mail reads only that round's (parsing is slow).
"""
import argparse
import email
import email.policy
import json
import os
import re
import sys

TOKEN = re.compile(r"ENL(?:-[A-Z2-7]{4}){6}")
EXPECTED = {"date", "from", "to", "subject", "message-id", "mime-version", "content-type",
            "content-transfer-encoding", "x-enlace-campaign", "x-enlace-id", "x-enlace-kind"}
ONCE = {"date", "from", "to", "subject", "message-id"}

p = argparse.ArgumentParser()
p.add_argument("--skip", type=int, default=0)
p.add_argument("sink")
args = p.parse_args()
sink = args.sink
with open(os.path.join(sink, "log.jsonl")) as log:
    for n, line in enumerate(log):
        if n < args.skip:
            continue
        rec = json.loads(line)
        with open(os.path.join(sink, rec["file"]), "rb") as f:
            msg = email.message_from_binary_file(f, policy=email.policy.default)
        names = [k.lower() for k in msg.keys()]
        clean = set(names) <= EXPECTED and all(names.count(h) == 1 for h in ONCE)
        body = msg.get_body(("plain",)).get_content()
        subject = str(msg["Subject"])
        ts = TOKEN.search(subject)
        tb = TOKEN.search(body)
        lang = "en" if ("Dear" in body or "Kind regards" in body) else "es"
        for addr in msg["To"].addresses:
            print("\t".join([
                msg.get("X-Enlace-Kind", "-"), msg.get("X-Enlace-Id", "-"),
                msg.get("X-Enlace-Campaign", "-"), addr.display_name, addr.addr_spec,
                subject.replace("\t", " "), ts.group(0) if ts else "-",
                tb.group(0) if tb else "-", lang, "ok" if clean else "INJECTED:" + ",".join(names),
            ]))
