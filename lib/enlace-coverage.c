/* enlace-coverage.c — the coverage report, read in one paged pass over the
 * liaisons and one over the institutions; memory holds only the counts. */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>
#include <libxml/xmlwriter.h>

#include "enlace-coverage.h"
#include "enlace-error.h"
#include "enlace-format.h"
#include "enlace-validate.h"

void
enlace_coverage_free (EnlaceCoverage *c)
{
  if (c == NULL)
    return;
  g_free (c->date);
  g_ptr_array_unref (c->countries);
  g_ptr_array_unref (c->roles);
  g_ptr_array_unref (c->competences);
  g_free (c->liaisons);
  g_free (c->institutions);
  g_free (c);
}

static gboolean
collect_value (EnlaceDirectory *dir, LDAPMessage *entry, gpointer user_data, GError **error)
{
  GPtrArray *out = user_data;
  LDAP *ld = enlace_directory_get_ldap (dir);
  BerElement *ber = NULL;
  char *attr = ldap_first_attribute (ld, entry, &ber);
  if (attr != NULL)
    {
      struct berval **vals = ldap_get_values_len (ld, entry, attr);
      if (vals != NULL && vals[0] != NULL)
        g_ptr_array_add (out, g_strndup (vals[0]->bv_val, vals[0]->bv_len));
      ldap_value_free_len (vals);
      ldap_memfree (attr);
    }
  ber_free (ber, 0);
  return TRUE;
}

static GPtrArray *
read_terms (EnlaceDirectory *dir, const char *container, const char *attr, GError **error)
{
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *base = *container != '\0'
                              ? g_strconcat (container, ",", enlace_directory_get_base (dir), NULL)
                              : g_strdup (enlace_directory_get_base (dir));
  const char *attrs[] = { attr, NULL };
  g_autofree char *filter = g_strdup_printf ("(%s=*)", attr);
  if (!enlace_directory_search (dir, base, LDAP_SCOPE_ONELEVEL, filter, attrs, collect_value, out,
                                error))
    return NULL;
  return g_steal_pointer (&out);
}

static int
index_of (GPtrArray *array, const char *value, gsize len)
{
  for (guint i = 0; i < array->len; i++)
    if (strlen (array->pdata[i]) == len && g_ascii_strncasecmp (array->pdata[i], value, len) == 0)
      return (int) i;
  return -1;
}

typedef struct {
  EnlaceCoverage *coverage;
  GPtrArray *columns; /* roles or competences */
  EnlaceCoverageCell *cells;
  const char *column_attr;
  GDate today;
} Pass;

static int
days_since (const GDate *today, struct berval *generalized)
{
  if (generalized == NULL || generalized->bv_len < 8)
    return -2;
  int y = 0, m = 0, d = 0;
  g_autofree char *s = g_strndup (generalized->bv_val, 8);
  if (sscanf (s, "%4d%2d%2d", &y, &m, &d) != 3 || !g_date_valid_dmy (d, m, y))
    return -2;
  GDate then;
  g_date_clear (&then, 1);
  g_date_set_dmy (&then, d, m, y);
  return MAX (0, g_date_days_between (&then, today));
}

static gboolean
count_entry (EnlaceDirectory *dir, LDAPMessage *entry, gpointer user_data, GError **error)
{
  Pass *p = user_data;
  LDAP *ld = enlace_directory_get_ldap (dir);
  struct berval **c = ldap_get_values_len (ld, entry, "c");
  struct berval **status = ldap_get_values_len (ld, entry, "enlaceStatus");
  struct berval **columns = ldap_get_values_len (ld, entry, p->column_attr);
  struct berval **confirmed = ldap_get_values_len (ld, entry, "enlaceLastConfirmed");
  struct berval **designated = ldap_get_values_len (ld, entry, "enlaceDesignationDate");
  int country = c != NULL && c[0] != NULL
                    ? index_of (p->coverage->countries, c[0]->bv_val, c[0]->bv_len)
                    : -1;
  const char *st = status != NULL && status[0] != NULL ? status[0]->bv_val : "";
  int days = days_since (&p->today, confirmed != NULL ? confirmed[0]
                                    : designated != NULL ? designated[0]
                                                         : NULL);
  for (guint i = 0; country >= 0 && columns != NULL && columns[i] != NULL; i++)
    {
      int col = index_of (p->columns, columns[i]->bv_val, columns[i]->bv_len);
      if (col < 0)
        continue;
      EnlaceCoverageCell *cell = &p->cells[country * p->columns->len + col];
      gboolean listed = FALSE;
      if (g_ascii_strcasecmp (st, "active") == 0)
        cell->active++, listed = TRUE;
      else if (g_ascii_strcasecmp (st, "unverified") == 0)
        cell->unverified++, listed = TRUE;
      else if (g_ascii_strcasecmp (st, "pending") == 0)
        cell->pending++;
      if (listed && cell->days != -2)
        cell->days = days == -2 ? -2 : MAX (cell->days, days);
    }
  ldap_value_free_len (c);
  ldap_value_free_len (status);
  ldap_value_free_len (columns);
  ldap_value_free_len (confirmed);
  ldap_value_free_len (designated);
  return TRUE;
}

static EnlaceCoverageCell *
new_cells (guint n)
{
  EnlaceCoverageCell *cells = g_new0 (EnlaceCoverageCell, MAX (n, 1));
  for (guint i = 0; i < n; i++)
    cells[i].days = -1;
  return cells;
}

static gboolean
count (EnlaceDirectory *dir, EnlaceCoverage *coverage, const char *object_class,
       const char *column_attr, GPtrArray *columns, EnlaceCoverageCell *cells, GError **error)
{
  Pass p = { .coverage = coverage, .columns = columns, .cells = cells,
             .column_attr = column_attr };
  int y = 0, m = 0, d = 0;
  sscanf (coverage->date, "%4d-%2d-%2d", &y, &m, &d);
  g_date_clear (&p.today, 1);
  g_date_set_dmy (&p.today, d, m, y);
  const char *attrs[] = { "c", "enlaceStatus", column_attr, "enlaceLastConfirmed",
                          "enlaceDesignationDate", NULL };
  g_autofree char *filter
      = g_strdup_printf ("(&(objectClass=%s)(!(enlaceStatus=retired)))", object_class);
  return enlace_directory_search (dir, enlace_directory_get_base (dir), LDAP_SCOPE_SUBTREE, filter,
                                  attrs, count_entry, &p, error);
}

static int
compare_strings (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

/**
 * enlace_coverage_read:
 *
 * Counts, for every member country, the active, pending and unverified
 * liaisons in each role and institutions for each referral competence.
 * The date is today's (ENLACE_NOW fixes it).
 */
EnlaceCoverage *
enlace_coverage_read (EnlaceDirectory *dir, GError **error)
{
  g_autoptr(EnlaceCoverage) c = g_new0 (EnlaceCoverage, 1);
  c->date = enlace_today ();
  c->countries = read_terms (dir, "", "c", error);
  if (c->countries == NULL)
    return NULL;
  g_ptr_array_sort (c->countries, compare_strings);
  c->roles = read_terms (dir, "ou=roles,ou=vocabulary", "enlaceTermId", error);
  if (c->roles == NULL)
    return NULL;
  c->competences = read_terms (dir, "ou=competences,ou=vocabulary", "enlaceTermId", error);
  if (c->competences == NULL)
    return NULL;
  if (c->countries->len == 0)
    {
      g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_NOT_FOUND,
                   _("the directory has no member countries (run 'enlace init')"));
      return NULL;
    }
  c->liaisons = new_cells (c->countries->len * c->roles->len);
  c->institutions = new_cells (c->countries->len * c->competences->len);
  if (!count (dir, c, "enlaceLiaison", "enlaceRole", c->roles, c->liaisons, error)
      || !count (dir, c, "enlaceInstitution", "enlaceCompetence", c->competences, c->institutions,
                 error))
    return NULL;
  return g_steal_pointer (&c);
}

/* Table: one row per role (or competence), one column per country, so it
 * fits a terminal; a cell is the active count, +N pending, ~N unverified,
 * and ! when nobody active holds it. */
static char *
cell_text (const EnlaceCoverageCell *cell)
{
  g_autoptr(GString) s = g_string_new (NULL);
  g_string_append_printf (s, "%u", cell->active);
  if (cell->pending > 0)
    g_string_append_printf (s, "+%u", cell->pending);
  if (cell->unverified > 0)
    g_string_append_printf (s, "~%u", cell->unverified);
  if (cell->active == 0)
    g_string_append_c (s, '!');
  return g_string_free (g_steal_pointer (&s), FALSE);
}

static char *
days_text (const EnlaceCoverageCell *cell)
{
  if (cell->days == -1)
    return g_strdup ("-");
  if (cell->days == -2)
    return g_strdup ("?");
  return g_strdup_printf ("%d", cell->days);
}

static guint
gaps (EnlaceCoverage *c, EnlaceCoverageCell *cells, GPtrArray *columns)
{
  guint n = 0;
  for (guint i = 0; i < c->countries->len * columns->len; i++)
    n += cells[i].active == 0;
  return n;
}

static void
table_matrix (GString *out, EnlaceCoverage *c, GPtrArray *columns, EnlaceCoverageCell *cells,
              char *(*text) (const EnlaceCoverageCell *))
{
  guint width = 4;
  for (guint r = 0; r < columns->len; r++)
    width = MAX (width, strlen (columns->pdata[r]));
  g_string_append_printf (out, "%-*s", (int) width, "");
  for (guint k = 0; k < c->countries->len; k++)
    g_string_append_printf (out, " %6s", (char *) c->countries->pdata[k]);
  g_string_append_c (out, '\n');
  for (guint r = 0; r < columns->len; r++)
    {
      g_string_append_printf (out, "%-*s", (int) width, (char *) columns->pdata[r]);
      for (guint k = 0; k < c->countries->len; k++)
        {
          g_autofree char *t = text (&cells[k * columns->len + r]);
          g_string_append_printf (out, " %6s", t);
        }
      g_string_append_c (out, '\n');
    }
}

static void
format_table (GString *out, EnlaceCoverage *c)
{
  g_string_append_printf (out, _("Coverage on %s\n"), c->date);
  g_string_append_printf (out, _("\nLiaisons by role: active (+pending ~unverified); ! no one "
                                 "active (%u gaps)\n"),
                          gaps (c, c->liaisons, c->roles));
  table_matrix (out, c, c->roles, c->liaisons, cell_text);
  g_string_append (out, _("\nDays since the stalest confirmation of a listed liaison (- none, "
                          "? never)\n"));
  table_matrix (out, c, c->roles, c->liaisons, days_text);
  g_string_append_printf (out, _("\nReferral institutions by competence (%u gaps)\n"),
                          gaps (c, c->institutions, c->competences));
  table_matrix (out, c, c->competences, c->institutions, cell_text);
  g_string_append (out, _("\nDays since the stalest confirmation of a listed institution\n"));
  table_matrix (out, c, c->competences, c->institutions, days_text);
}

static void
json_matrix (GString *out, const char *name, const char *column_name, EnlaceCoverage *c,
             GPtrArray *columns, EnlaceCoverageCell *cells)
{
  g_string_append_printf (out, "  \"%s\": {\n    \"gaps\": %u,\n    \"cells\": [", name,
                          gaps (c, cells, columns));
  for (guint k = 0; k < c->countries->len; k++)
    for (guint r = 0; r < columns->len; r++)
      {
        const EnlaceCoverageCell *cell = &cells[k * columns->len + r];
        g_string_append (out, k + r == 0 ? "\n      { \"country\": " : ",\n      { \"country\": ");
        enlace_format_json_string (out, c->countries->pdata[k]);
        g_string_append_printf (out, ", \"%s\": ", column_name);
        enlace_format_json_string (out, columns->pdata[r]);
        g_string_append_printf (out,
                                ", \"active\": %u, \"pending\": %u, \"unverified\": %u, "
                                "\"gap\": %s, \"days_since_confirmed\": ",
                                cell->active, cell->pending, cell->unverified,
                                cell->active == 0 ? "true" : "false");
        if (cell->days >= 0)
          g_string_append_printf (out, "%d", cell->days);
        else
          g_string_append (out, "null");
        g_string_append_printf (out, ", \"never_confirmed\": %s }",
                                cell->days == -2 ? "true" : "false");
      }
  g_string_append (out, "\n    ]\n  }");
}

static void
format_json (GString *out, EnlaceCoverage *c)
{
  g_string_append (out, "{\n  \"date\": ");
  enlace_format_json_string (out, c->date);
  g_string_append (out, ",\n");
  json_matrix (out, "liaisons", "role", c, c->roles, c->liaisons);
  g_string_append (out, ",\n");
  json_matrix (out, "institutions", "competence", c, c->competences, c->institutions);
  g_string_append (out, "\n}\n");
}

#define W(call)                                                                                \
  do                                                                                           \
    {                                                                                          \
      if ((call) < 0)                                                                          \
        goto failed;                                                                           \
    }                                                                                          \
  while (0)

static int
html_matrix (xmlTextWriterPtr w, EnlaceCoverage *c, const char *title, GPtrArray *columns,
             EnlaceCoverageCell *cells)
{
  W (xmlTextWriterStartElement (w, BAD_CAST "h2"));
  W (xmlTextWriterWriteFormatString (w, "%s (%u)", title, gaps (c, cells, columns)));
  W (xmlTextWriterEndElement (w));
  W (xmlTextWriterStartElement (w, BAD_CAST "table"));
  W (xmlTextWriterStartElement (w, BAD_CAST "tr"));
  W (xmlTextWriterWriteElement (w, BAD_CAST "th", BAD_CAST ""));
  for (guint k = 0; k < c->countries->len; k++)
    W (xmlTextWriterWriteElement (w, BAD_CAST "th", BAD_CAST c->countries->pdata[k]));
  W (xmlTextWriterEndElement (w));
  for (guint r = 0; r < columns->len; r++)
    {
      W (xmlTextWriterStartElement (w, BAD_CAST "tr"));
      W (xmlTextWriterWriteElement (w, BAD_CAST "th", BAD_CAST columns->pdata[r]));
      for (guint k = 0; k < c->countries->len; k++)
        {
          const EnlaceCoverageCell *cell = &cells[k * columns->len + r];
          g_autofree char *t = cell_text (cell);
          g_autofree char *d = days_text (cell);
          W (xmlTextWriterStartElement (w, BAD_CAST "td"));
          if (cell->active == 0)
            W (xmlTextWriterWriteAttribute (w, BAD_CAST "class", BAD_CAST "gap"));
          else if (cell->days == -2 || cell->days > 365)
            W (xmlTextWriterWriteAttribute (w, BAD_CAST "class", BAD_CAST "stale"));
          W (xmlTextWriterWriteString (w, BAD_CAST t));
          W (xmlTextWriterStartElement (w, BAD_CAST "small"));
          W (xmlTextWriterWriteString (w, BAD_CAST d));
          W (xmlTextWriterEndElement (w));
          W (xmlTextWriterEndElement (w));
        }
      W (xmlTextWriterEndElement (w));
    }
  W (xmlTextWriterEndElement (w));
  return 0;
failed:
  return -1;
}

static gboolean
format_html (GString *out, EnlaceCoverage *c, GError **error)
{
  g_autofree char *title = g_strdup_printf (_("Coverage on %s"), c->date);
  xmlBufferPtr buf = xmlBufferCreate ();
  xmlTextWriterPtr w = buf != NULL ? xmlNewTextWriterMemory (buf, 0) : NULL;
  if (w == NULL)
    goto failed;
  W (xmlTextWriterStartElement (w, BAD_CAST "html"));
  W (xmlTextWriterStartElement (w, BAD_CAST "head"));
  W (xmlTextWriterStartElement (w, BAD_CAST "meta"));
  W (xmlTextWriterWriteAttribute (w, BAD_CAST "charset", BAD_CAST "utf-8"));
  W (xmlTextWriterEndElement (w));
  W (xmlTextWriterWriteElement (w, BAD_CAST "title", BAD_CAST title));
  W (xmlTextWriterWriteElement (
      w, BAD_CAST "style",
      BAD_CAST "body{font:11pt/1.4 sans-serif;margin:1.5rem}table{border-collapse:collapse;"
               "margin-bottom:1.5rem}th,td{border:1px solid #bbb;padding:.2rem .45rem;"
               "text-align:center}th:first-child{text-align:left}td small{display:block;"
               "color:#666;font-size:.75em}td.gap{background:#f6c9c4;font-weight:bold}"
               "td.stale{background:#fbe8c4}"));
  W (xmlTextWriterEndElement (w));
  W (xmlTextWriterStartElement (w, BAD_CAST "body"));
  W (xmlTextWriterWriteElement (w, BAD_CAST "h1", BAD_CAST title));
  W (xmlTextWriterWriteElement (
      w, BAD_CAST "p",
      BAD_CAST _("Each cell: active (+pending ~unverified), and below it the days since the "
                 "stalest confirmation. Red: no one active. Amber: confirmation older than a "
                 "year, or never.")));
  W (html_matrix (w, c, _("Liaisons by role; gaps"), c->roles, c->liaisons));
  W (html_matrix (w, c, _("Referral institutions by competence; gaps"), c->competences,
                  c->institutions));
  W (xmlTextWriterEndDocument (w));
  xmlFreeTextWriter (w);
  g_string_append (out, "<!DOCTYPE html>\n");
  g_string_append_len (out, (const char *) xmlBufferContent (buf), xmlBufferLength (buf));
  g_string_append_c (out, '\n');
  xmlBufferFree (buf);
  return TRUE;
failed:
  if (w != NULL)
    xmlFreeTextWriter (w);
  if (buf != NULL)
    xmlBufferFree (buf);
  g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_FAILED, _("cannot write the report"));
  return FALSE;
}

gboolean
enlace_coverage_format (EnlaceCoverage *coverage, EnlaceCoverageFormat format, GString *out,
                        GError **error)
{
  switch (format)
    {
    case ENLACE_COVERAGE_JSON:
      format_json (out, coverage);
      return TRUE;
    case ENLACE_COVERAGE_HTML:
      return format_html (out, coverage, error);
    case ENLACE_COVERAGE_TABLE:
    default:
      format_table (out, coverage);
      return TRUE;
    }
}
