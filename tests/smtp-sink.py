#!/usr/bin/python3
"""A real SMTP server for the tests (aiosmtpd), on 127.0.0.1 or --host.

Every accepted message is written whole to OUT/NNNNNN.eml, and one JSON
line per message to OUT/log.jsonl (envelope sender and recipients, file).
Copies for --archive ADDRESS are delivered into the Maildir --maildir, as
an MTA would, in the same transaction: both or neither. OUT/commands.log
has a line per EHLO, NOOP, AUTH, MAIL, RCPT and DATA the server saw, each
with "tls" or "clear": what went over the wire, and how.

  --refuse ADDRESS      RCPT TO that address gets 550 (permanent)
  --tempfail ADDRESS:N  the first N RCPT TO that address get 451
  --count-only          keep nothing, count (benchmarks)
  --auth USER:PASSWORD  require SMTP AUTH (PLAIN or LOGIN) with these
  --host ADDRESS        listen there (a loopback address; default 127.0.0.1)
  --tls implicit|starttls  with --cert and --key: TLS from the first byte
                        (SMTPS), or STARTTLS offered and required before
                        anything else is taken

Writes its PID to OUT/ready once it listens; stops on SIGTERM.
Debian's python3 has aiosmtpd: run it with /usr/bin/python3.
"""
import argparse
import json
import os
import signal
import ssl
import threading

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult


class Sink:
    def __init__(self, args):
        self.args = args
        self.n = 0
        self.refuse = {a.lower() for a in args.refuse}
        self.tempfail = {}
        for spec in args.tempfail:
            addr, _, count = spec.rpartition(":")
            self.tempfail[addr.lower()] = int(count)
        self.lock = threading.Lock()
        self.log = None if args.count_only else open(os.path.join(args.out, "log.jsonl"), "a")
        self.commands = None if args.count_only else open(os.path.join(args.out, "commands.log"), "a")

    def saw(self, server, verb):
        if self.commands is None:
            return
        tls = server.transport is not None and server.transport.get_extra_info("ssl_object") is not None
        self.commands.write("%s %s\n" % (verb, "tls" if tls else "clear"))
        self.commands.flush()

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        self.saw(server, "EHLO")
        session.host_name = hostname
        return responses

    async def handle_NOOP(self, server, session, envelope, arg):
        self.saw(server, "NOOP")
        return "250 OK"

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        self.saw(server, "MAIL")
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        self.saw(server, "RCPT")
        a = address.lower()
        if a in self.refuse:
            return "550 5.1.1 <%s>: mailbox unavailable" % address
        if self.tempfail.get(a, 0) > 0:
            self.tempfail[a] -= 1
            return "451 4.3.0 try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    def deliver_maildir(self, data):
        md = self.args.maildir
        name = "%d.%d_%d.sink" % (os.getpid(), self.n, threading.get_ident())
        tmp = os.path.join(md, "tmp", name)
        with open(tmp, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        st = os.stat(md)
        os.chown(tmp, st.st_uid, st.st_gid)
        os.rename(tmp, os.path.join(md, "new", name))

    async def handle_DATA(self, server, session, envelope):
        self.saw(server, "DATA")
        with self.lock:
            self.n += 1
            if self.args.count_only:
                return "250 OK"
            data = envelope.original_content
            rcpts = [r for r in envelope.rcpt_tos]
            archive = [r for r in rcpts if self.args.archive and r.lower() == self.args.archive.lower()]
            others = [r for r in rcpts if r not in archive]
            if archive and self.args.maildir:
                self.deliver_maildir(data)
            name = "%06d.eml" % self.n
            if others:
                with open(os.path.join(self.args.out, name), "wb") as f:
                    f.write(data)
                self.log.write(json.dumps({"file": name, "from": envelope.mail_from,
                                           "rcpt": others}) + "\n")
                self.log.flush()
        return "250 OK"


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--refuse", action="append", default=[])
    p.add_argument("--tempfail", action="append", default=[])
    p.add_argument("--archive")
    p.add_argument("--maildir")
    p.add_argument("--count-only", action="store_true")
    p.add_argument("--auth")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--tls", choices=["implicit", "starttls"])
    p.add_argument("--cert")
    p.add_argument("--key")
    args = p.parse_args()
    if not args.host.startswith("127."):
        p.error("--host must be a loopback address")
    if args.tls and not (args.cert and args.key):
        p.error("--tls needs --cert and --key")
    os.makedirs(args.out, exist_ok=True)
    sink = Sink(args)
    kwargs = {}
    if args.auth:
        user, _, password = args.auth.partition(":")

        def authenticator(server, session, envelope, mechanism, auth_data):
            sink.saw(server, "AUTH")
            ok = auth_data.login == user.encode() and auth_data.password == password.encode()
            return AuthResult(success=ok, handled=False)
        # Loopback only, so plain AUTH without TLS is acceptable here.
        kwargs = dict(auth_required=True, auth_require_tls=False, authenticator=authenticator)
    if args.tls:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(args.cert, args.key)
        if args.tls == "implicit":
            kwargs["ssl_context"] = context
        else:
            kwargs.update(tls_context=context, require_starttls=True)
    controller = Controller(sink, hostname=args.host, port=args.port, **kwargs)
    controller.start()
    with open(os.path.join(args.out, "ready.tmp"), "w") as f:
        f.write(str(os.getpid()))
    os.rename(os.path.join(args.out, "ready.tmp"), os.path.join(args.out, "ready"))
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *a: stop.set())
    signal.signal(signal.SIGINT, lambda *a: stop.set())
    stop.wait()
    controller.stop()
    if args.count_only:
        with open(os.path.join(args.out, "count"), "w") as f:
            f.write(str(sink.n))


if __name__ == "__main__":
    main()
