/* enlace-format-institution.c — institutions in every output format; the
 * writers are shared with liaisons through enlace-format-private.h. */
#include "config.h"

#include <string.h>

#include "enlace-format.h"
#include "enlace-format-private.h"
#include "enlace-ldif.h"

/* --- institutions ----------------------------------------------------- */

static void
json_institution (JsonWriter *w, EnlaceInstitution *i)
{
  enlace_format_json_open (w, '{');
  enlace_format_json_member_string (w, "id", i->id);
  enlace_format_json_member_string (w, "country", i->country);
  enlace_format_json_member_string (w, "status", i->status);
  enlace_format_json_member_string (w, "name", i->name);
  enlace_format_json_member_string (w, "type", i->type);
  enlace_format_json_strv (w, "competences", i->competences);
  enlace_format_json_strv (w, "networks", i->networks);
  enlace_format_json_strv (w, "languages", i->languages);
  enlace_format_json_member_string (w, "email", i->mail);
  enlace_format_json_member_string (w, "phone", i->phone);
  enlace_format_json_strv (w, "phone_as_written", i->phones_as_written);
  enlace_format_json_member_string (w, "url", i->url);
  enlace_format_json_member_string (w, "notes", i->notes);
  enlace_format_json_member_string (w, "designated", i->designated);
  enlace_format_json_member_string (w, "retired", i->retired);
  enlace_format_json_member_string (w, "retired_by", i->retired_by);
  enlace_format_json_member_string (w, "retirement_reason", i->retirement_reason);
  enlace_format_json_member_string (w, "successor", i->successor_id);
  enlace_format_json_member_string (w, "predecessor", i->predecessor_id);
  enlace_format_json_member_string (w, "last_confirmed", i->last_confirmed);
  enlace_format_json_member_string (w, "dn", i->dn);
  enlace_format_json_close (w, '}');
}

static void
vcard_institution (GString *out, EnlaceInstitution *i)
{
  g_autoptr(GString) line = g_string_new (NULL);
  g_string_append (out, "BEGIN:VCARD\r\nVERSION:4.0\r\nKIND:org\r\n");
  enlace_format_vcard_prop (out, line, "FN", i->name);
  enlace_format_vcard_prop (out, line, "ORG", i->name);
  enlace_format_vcard_prop (out, line, "EMAIL;TYPE=work", i->mail);
  if (i->phone != NULL)
    {
      g_autofree char *uri = g_strconcat ("tel:", i->phone, NULL);
      enlace_format_vcard_prop (out, line, "TEL;VALUE=uri;TYPE=\"work,voice\"", uri);
    }
  enlace_format_vcard_prop (out, line, "URL", i->url);
  if (i->competences[0] != NULL)
    {
      g_string_append (line, "CATEGORIES:");
      for (int k = 0; i->competences[k] != NULL; k++)
        {
          if (k > 0)
            g_string_append_c (line, ',');
          enlace_format_vcard_escape (line, i->competences[k]);
        }
      enlace_format_vcard_line (out, line);
    }
  g_autofree char *uid = g_strdup_printf ("urn:enlace:%s", i->id);
  enlace_format_vcard_prop (out, line, "UID", uid);
  enlace_format_vcard_prop (out, line, "X-ENLACE-STATUS", i->status);
  g_string_append (out, "END:VCARD\r\n");
}

/**
 * enlace_format_institutions:
 *
 * Appends @institutions to @out in @format: the result of a search.
 */
void
enlace_format_institutions (GString *out, EnlaceFormat format, GPtrArray *institutions)
{
  static const char *const headers[] = { "ID", "NAME", "TYPE", "COMPETENCES", "EMAIL", "PHONE",
                                         "STATUS" };
  switch (format)
    {
    case ENLACE_FORMAT_TABLE:
    case ENLACE_FORMAT_TSV:
      {
        g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
        for (guint k = 0; k < institutions->len; k++)
          {
            EnlaceInstitution *i = institutions->pdata[k];
            char **cells = g_new0 (char *, G_N_ELEMENTS (headers) + 1);
            cells[0] = g_strdup (i->id);
            cells[1] = g_strdup (i->name);
            cells[2] = g_strdup (i->type);
            cells[3] = g_strjoinv (",", i->competences);
            cells[4] = g_strdup (i->mail);
            cells[5] = g_strdup (i->phone ? i->phone : i->phones_as_written[0]);
            cells[6] = g_strdup (i->status);
            g_ptr_array_add (rows, cells);
          }
        enlace_format_format_table (out, headers, G_N_ELEMENTS (headers), rows, format == ENLACE_FORMAT_TABLE);
      }
      break;
    case ENLACE_FORMAT_JSON:
      enlace_format_json_list (out, "institutions", institutions,
                 (void (*) (JsonWriter *, gpointer)) json_institution);
      break;
    case ENLACE_FORMAT_CSV:
      g_string_append (out, "id,status,country,name,type,competence,network,email,phone,url,"
                            "language\r\n");
      for (guint k = 0; k < institutions->len; k++)
        {
          EnlaceInstitution *i = institutions->pdata[k];
          g_autofree char *competences = g_strjoinv (";", i->competences);
          g_autofree char *networks = g_strjoinv (";", i->networks);
          g_autofree char *languages = g_strjoinv (";", i->languages);
          const char *fields[] = { i->id, i->status, i->country, i->name, i->type, competences,
                                   networks, i->mail, i->phone, i->url, languages };
          for (gsize f = 0; f < G_N_ELEMENTS (fields); f++)
            enlace_format_csv_field (out, fields[f], f + 1 == G_N_ELEMENTS (fields));
        }
      break;
    case ENLACE_FORMAT_VCARD:
      for (guint k = 0; k < institutions->len; k++)
        vcard_institution (out, institutions->pdata[k]);
      break;
    case ENLACE_FORMAT_LDIF:
      for (guint k = 0; k < institutions->len; k++)
        {
          EnlaceInstitution *i = institutions->pdata[k];
          enlace_ldif_append_str (out, "dn", i->dn);
          enlace_ldif_append_str (out, "objectClass", "enlaceInstitution");
          const struct { const char *attr; const char *value; } single[] = {
            { "enlaceId", i->id }, { "c", i->country }, { "o", i->name },
            { "enlaceInstitutionType", i->type }, { "enlaceStatus", i->status },
            { "mail", i->mail }, { "telephoneNumber", i->phone }, { "labeledURI", i->url },
          };
          for (gsize f = 0; f < G_N_ELEMENTS (single); f++)
            if (single[f].value != NULL)
              enlace_ldif_append_str (out, single[f].attr, single[f].value);
          enlace_format_ldif_strv (out, "enlaceCompetence", i->competences);
          enlace_format_ldif_strv (out, "enlaceNetwork", i->networks);
          g_string_append_c (out, '\n');
        }
      break;
    }
}

/**
 * enlace_format_institution_detail:
 *
 * Appends one institution: every field, one a line, for a table; the
 * object for JSON; otherwise as enlace_format_institutions().
 */
void
enlace_format_institution_detail (GString *out, EnlaceFormat format, EnlaceInstitution *i)
{
  if (format == ENLACE_FORMAT_JSON)
    {
      JsonWriter w = { out, 0, TRUE };
      json_institution (&w, i);
      g_string_append_c (out, '\n');
      return;
    }
  if (format != ENLACE_FORMAT_TABLE && format != ENLACE_FORMAT_TSV)
    {
      g_autoptr(GPtrArray) one = g_ptr_array_new ();
      g_ptr_array_add (one, i);
      enlace_format_institutions (out, format, one);
      return;
    }
  g_autofree char *competences = g_strjoinv (", ", i->competences);
  g_autofree char *networks = g_strjoinv (", ", i->networks);
  g_autofree char *languages = g_strjoinv (", ", i->languages);
  const struct { const char *label; const char *value; } lines[] = {
    { "id:", i->id },                 { "status:", i->status },
    { "name:", i->name },             { "type:", i->type },
    { "country:", i->country },       { "competences:", competences },
    { "networks:", networks },        { "email:", i->mail },
    { "phone:", i->phone },           { "url:", i->url },
    { "languages:", languages },      { "notes:", i->notes },
    { "designated:", i->designated }, { "retired:", i->retired },
    { "retired by:", i->retired_by }, { "reason:", i->retirement_reason },
    { "successor:", i->successor_id }, { "predecessor:", i->predecessor_id },
    { "last confirmed:", i->last_confirmed }, { "dn:", i->dn },
  };
  for (gsize k = 0; k < G_N_ELEMENTS (lines); k++)
    enlace_format_detail_line (out, lines[k].label, lines[k].value);
}
