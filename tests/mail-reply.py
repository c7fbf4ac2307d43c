#!/usr/bin/python3
"""Write a reply to a message the SMTP sink kept, as a mail client would:
Re: subject, In-Reply-To, the original quoted with '> ' under an
attribution line, and optionally new text above it. Python's email package
builds it (UTF-8, quoted-printable or base64 as it sees fit).

  mail-reply.py ORIGINAL.eml [--text TEXT] [--no-quote] > reply.eml
"""
import argparse
import email
import email.policy
import sys
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

p = argparse.ArgumentParser()
p.add_argument("original")
p.add_argument("--text", default="")
p.add_argument("--outlook", action="store_true", help="top-post under an Original Message line")
args = p.parse_args()

with open(args.original, "rb") as f:
    orig = email.message_from_binary_file(f, policy=email.policy.default)
body = orig.get_body(("plain",)).get_content()

reply = EmailMessage()
reply["From"] = orig["To"]
reply["To"] = orig["From"]
reply["Subject"] = "Re: " + str(orig["Subject"])
reply["Date"] = formatdate()
reply["Message-ID"] = make_msgid(domain="reply.example")
reply["In-Reply-To"] = orig["Message-ID"]
if args.outlook:
    text = args.text + "\n\n-----Original Message-----\n" + body
else:
    quoted = "\n".join("> " + line if line else ">" for line in body.splitlines())
    text = (args.text + "\n\n" if args.text else "") + \
        "On Mon, 2 Feb 2026, Secretaría Técnica wrote:\n" + quoted + "\n"
reply.set_content(text)
sys.stdout.buffer.write(reply.as_bytes(policy=email.policy.SMTP))
