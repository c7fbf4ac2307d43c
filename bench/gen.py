#!/usr/bin/python3
"""Generate N invented liaisons for the benchmarks, as the LDIF slapadd or
ldapadd reads and as the CSV enlace import reads: the same people in both.
Usage: gen.py N ldif|csv|slapadd > FILE"""
import sys

COUNTRIES = ["BZ", "CA", "CR", "SV", "US", "GT", "HN", "MX", "NI", "PA", "DO"]
ROLES = ["smuggling-focal-point", "intelligence-focal-point", "permanent-contact-point",
         "cancilleria-coordinator", "migration-authority", "consular-officer",
         "interpol-focal-point", "liaison-prosecutor"]
n, kind = int(sys.argv[1]), sys.argv[2]
# The name enlace copies into each liaison's o: that of XX-I-0001 in the demo data.
import os, re
demo = open(os.path.join(os.path.dirname(__file__), "..", "seeds", "demo.ldif"), encoding="utf-8").read()
INSTITUTION = {m.group(1): m.group(2) for m in
               re.finditer(r"dn: enlaceId=(..)-I-0001,.*?\no: ([^\n]*)", demo, re.S)}
out = sys.stdout
if kind == "csv":
    out.write("country,given_name,surname,title,institution,role,network,email,phone,fax,mobile,language\n")
for i in range(n):
    cc = COUNTRIES[i % len(COUNTRIES)]
    role = ROLES[(i // len(COUNTRIES)) % len(ROLES)]
    number = i // len(COUNTRIES) + 1
    given, surname = f"Persona{i}", f"Prueba{i}"
    mail = f"persona.{i}@bench.{cc.lower()}.example"
    if kind == "csv":
        # The phone as enlace stores it, so neither side writes more.
        out.write(f"{cc},{given},{surname},Enlace,{cc}-I-0001,{role},crm-liaison-network,{mail},"
                  f"+1555{i % 10000:04d},,,es\n")
        continue
    lid = f"{cc}-L-{number + 1000:05d}"
    out.write(f"dn: enlaceId={lid},c={cc},o=enlace\nobjectClass: enlaceLiaison\n"
              f"enlaceId: {lid}\nc: {cc}\ncn: {given} {surname}\ngivenName: {given}\n"
              f"sn: {surname}\ndisplayName: {given} {surname}\ntitle: Enlace\n"
              f"o: {INSTITUTION[cc]}\nenlaceInstitution: enlaceId={cc}-I-0001,c={cc},o=enlace\n"
              f"mail: {mail}\ntelephoneNumber: +1555{i % 10000:04d}\nenlaceStatus: active\n"
              f"enlaceRole: {role}\nenlaceNetwork: crm-liaison-network\nenlaceLanguage: es\n"
              f"enlaceDesignationDate: 20260101000000Z\n"
              f"enlaceDesignatedBy: gidNumber=0+uidNumber=0,cn=peercred,cn=external,cn=auth\n")
    if kind == "slapadd":
        # slapadd writes operational attributes the server would.
        out.write(f"entryUUID: {i:08x}-0000-4000-8000-000000000000\n"
                  f"creatorsName: cn=bench\ncreateTimestamp: 20260101000000Z\n")
    out.write("\n")
