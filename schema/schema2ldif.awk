# Turn an OpenLDAP slapd.conf schema file into its cn=config LDIF form.
# Usage: awk -v name=enlace -f schema2ldif.awk enlace.schema > enlace.ldif
# Definitions start at column 0 and continue on indented lines; an LDIF
# continuation line drops exactly one leading space, so each indented line is
# written with one space more and keeps its separating whitespace.
BEGIN {
	print "# Generated from " name ".schema by schema2ldif.awk; do not edit."
	print "dn: cn=" name ",cn=schema,cn=config"
	print "objectClass: olcSchemaConfig"
	print "cn: " name
}
/^[ \t]*#/ || /^[ \t]*$/ { next }
tolower($1) == "objectidentifier" { print "olcObjectIdentifier: " $2 " " $3; next }
tolower($1) == "attributetype" { sub(/^[^ \t]+[ \t]+/, ""); print "olcAttributeTypes: " $0; next }
tolower($1) == "objectclass" { sub(/^[^ \t]+[ \t]+/, ""); print "olcObjectClasses: " $0; next }
/^[ \t]/ { print " " $0; next }
{ print "schema2ldif: line " NR ": unknown directive: " $1 > "/dev/stderr"; exit 1 }
