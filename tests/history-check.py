#!/usr/bin/python3
"""history-check.py DATA.ldif LOG.ldif: does the change history agree with
the data? DATA holds the entries (entryUUID, entryCSN),
LOG the history's records (reqType, reqDN, reqEntryUUID, reqMod), both as
unwrapped LDIF from ldapsearch. Prints one line per disagreement and a last
line "agree" or "disagree N". Independent of enlace's own check."""
import base64
import sys


def records(path):
    entry = {}
    for line in open(path, encoding="utf-8").read().splitlines() + [""]:
        if not line:
            if entry:
                yield entry
            entry = {}
            continue
        if ":: " in line:
            attr, value = line.split(":: ", 1)
            value = base64.b64decode(value).decode("utf-8", "replace")
        elif ": " in line:
            attr, value = line.split(": ", 1)
        else:
            continue
        entry.setdefault(attr.lower(), []).append(value)


def unlogged(dn):
    """The accounts and the campaigns are databases without a history."""
    return any(dn == s or dn.endswith("," + s) for s in ("ou=accounts,o=enlace", "ou=campaigns,o=enlace"))


data = {}
for e in records(sys.argv[1]):
    dn = e["dn"][0].lower()
    if not unlogged(dn):
        data[dn] = (e["entryuuid"][0].lower(), e["entrycsn"][0])
adds = {}
csns = set()
problems = []
for r in records(sys.argv[2]):
    for m in r.get("reqmod", []):
        if m.lower().startswith("entrycsn:"):
            csns.add(m.split(" ", 1)[1])
    if r.get("reqtype", [""])[0] != "add":
        continue
    dn = r["reqdn"][0].lower()
    if unlogged(dn):
        continue
    uuid = r.get("reqentryuuid", [""])[0].lower()
    if dn not in data:
        problems.append("an add of %s, which the data does not hold" % dn)
    elif data[dn][0] != uuid:
        problems.append("an add of %s that never committed (uuid %s)" % (dn, uuid))
    else:
        adds[dn] = adds.get(dn, 0) + 1
for dn, (uuid, csn) in data.items():
    if adds.get(dn, 0) > 1:
        problems.append("%s added %d times" % (dn, adds[dn]))
    if csn not in csns:
        problems.append("the last change of %s is in no record" % dn)
for p in problems:
    print(p)
print("agree" if not problems else "disagree %d" % len(problems))
