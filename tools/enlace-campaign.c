/* enlace campaign open|send|collect|confirm|remind|status|close — the
 * yearly re-confirmation campaign, run by the Secretariat. One file for
 * the group, one function per subcommand; the work is in
 * lib/enlace-campaign.c. */
#include "config.h"

#include <stdio.h>
#include <unistd.h>

#include "enlace-builtins.h"

/* Update docs/enlace.1 when you change these options. */
static char **opt_countries;
static gboolean opt_dry_run;
static int opt_limit;
static char *opt_imap;
static char *opt_note;
static char *opt_format;

static GOptionEntry open_options[] = {
  { "country", 'c', 0, G_OPTION_ARG_FILENAME_ARRAY, &opt_countries,
    N_("only this country (repeat for more; default: all)"), "CC" },
  { NULL }
};

static GOptionEntry send_options[] = {
  { "dry-run", 'n', 0, G_OPTION_ARG_NONE, &opt_dry_run,
    N_("list what would be sent; send and record nothing"), NULL },
  { "limit", 0, 0, G_OPTION_ARG_INT, &opt_limit, N_("send at most N messages"), "N" },
  { NULL }
};

static GOptionEntry remind_options[] = {
  { "dry-run", 'n', 0, G_OPTION_ARG_NONE, &opt_dry_run,
    N_("list what would be sent; send and record nothing"), NULL },
  { NULL }
};

static GOptionEntry collect_options[] = {
  { "imap", 0, 0, G_OPTION_ARG_FILENAME, &opt_imap,
    N_("the mailbox replies arrive in (default: ENLACE_IMAP_URL's INBOX)"),
    "imap://USER@HOST/MAILBOX" },
  { NULL }
};

static GOptionEntry confirm_options[] = {
  { "note", 0, 0, G_OPTION_ARG_FILENAME, &opt_note, N_("how the answer came"), "TEXT" },
  { NULL }
};

static GOptionEntry status_options[] = {
  { "format", 'f', 0, G_OPTION_ARG_FILENAME, &opt_format, N_("table or json"), "FORMAT" },
  { NULL }
};

static EnlaceMailConfig *
mail_config (EnlaceInvocation *invocation, GError **error)
{
  return enlace_mail_config_new (invocation->config, error);
}

static void
progress (guint done, guint total, gpointer user_data)
{
  const int width = 30;
  int filled = total ? (int) ((guint64) done * width / total) : width;
  fprintf (stderr, "\r%s [", (const char *) user_data);
  for (int i = 0; i < width; i++)
    fputc (i < filled ? '#' : '.', stderr);
  fprintf (stderr, "] %u/%u", done, total);
  if (done == total)
    fputc ('\n', stderr);
}

static gboolean
no_arguments (int argc, const char *usage, GError **error)
{
  if (argc > 1)
    {
      g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_INVALID, _("unexpected argument (usage: %s)"),
                   usage);
      return FALSE;
    }
  return TRUE;
}

static gboolean
campaign_open (int argc, char **argv, EnlaceInvocation *invocation, GError **error)
{
  g_autoptr(GOptionContext) context = g_option_context_new (_("YEAR"));
  if (!enlace_option_context_parse (context, open_options, &argc, &argv, invocation, error))
    return FALSE;
  if (argc != 2)
    {
      g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_INVALID,
                   _("give the campaign's year (usage: enlace campaign open YEAR [--country CC...])"));
      return FALSE;
    }
  g_auto(GStrv) countries = enlace_command_list (opt_countries);
  guint n = 0;
  g_autoptr(EnlaceCampaign) c = enlace_campaign_open (invocation->directory, argv[1],
                                                      (const char *const *) countries, &n, error);
  if (c == NULL)
    return FALSE;
  printf (_("campaign %s is open: %u entries to confirm\n"), c->year, n);
  return TRUE;
}

static gboolean
campaign_send (int argc, char **argv, EnlaceInvocation *invocation, GError **error)
{
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  if (!enlace_option_context_parse (context, send_options, &argc, &argv, invocation, error)
      || !no_arguments (argc, "enlace campaign send [--dry-run] [--limit N]", error))
    return FALSE;
  if (opt_limit < 0)
    {
      g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_INVALID, _("--limit must be 0 or more"));
      return FALSE;
    }
  g_autoptr(EnlaceMailConfig) mc = mail_config (invocation, error);
  if (mc == NULL)
    return FALSE;
  g_autoptr(GString) dry = g_string_new (NULL);
  EnlaceSendOptions options = {
    .dry_run = opt_dry_run,
    .limit = (guint) opt_limit,
    .progress = !opt_dry_run && isatty (STDERR_FILENO) ? progress : NULL,
    .progress_data = (gpointer) _("sending"),
    .dry_run_output = dry,
  };
  EnlaceSendReport report = { 0 };
  gboolean ok = enlace_campaign_send (invocation->directory, mc, &options, &report, error);
  if (opt_dry_run)
    return ok && enlace_command_write (dry, error);
  if (report.recovered || report.retried)
    fprintf (stderr, _("%u messages were in flight when a run stopped: %u had arrived, %u are "
                     "sent again\n"), report.recovered + report.retried, report.recovered,
             report.retried);
  if (report.retried && mc->archive == NULL)
    fprintf (stderr, _("warning: no [mail] archive to check against, so some of those may "
                     "arrive twice\n"));
  fprintf (stderr, _("%u sent, %u refused (undeliverable), %u still to send\n"), report.sent,
           report.refused, report.remaining);
  return ok;
}

static gboolean
campaign_collect (int argc, char **argv, EnlaceInvocation *invocation, GError **error)
{
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  if (!enlace_option_context_parse (context, collect_options, &argc, &argv, invocation, error)
      || !no_arguments (argc, "enlace campaign collect [--imap URL]", error))
    return FALSE;
  g_autoptr(EnlaceMailConfig) mc = mail_config (invocation, error);
  if (mc == NULL)
    return FALSE;
  EnlaceCollectReport report = { 0 };
  if (!enlace_campaign_collect (invocation->directory, mc, opt_imap, &report, error))
    return FALSE;
  printf (_("%u confirmed, %u need review, %u without a known reference (left unflagged), "
          "%u already read\n"), report.confirmed, report.needs_review, report.unmatched,
          report.skipped);
  return TRUE;
}

static gboolean
campaign_confirm (int argc, char **argv, EnlaceInvocation *invocation, GError **error)
{
  g_autoptr(GOptionContext) context = g_option_context_new (_("TOKEN|ID"));
  if (!enlace_option_context_parse (context, confirm_options, &argc, &argv, invocation, error))
    return FALSE;
  const char *what = enlace_command_take_id (argc, argv, invocation, error);
  if (what == NULL)
    return FALSE;
  g_autofree char *id = enlace_campaign_confirm (invocation->directory, what, opt_note, error);
  if (id == NULL)
    return FALSE;
  fprintf (stderr, _("%s is confirmed\n"), id);
  return TRUE;
}

static gboolean
campaign_remind (int argc, char **argv, EnlaceInvocation *invocation, GError **error)
{
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  if (!enlace_option_context_parse (context, remind_options, &argc, &argv, invocation, error)
      || !no_arguments (argc, "enlace campaign remind [--dry-run]", error))
    return FALSE;
  g_autoptr(EnlaceMailConfig) mc = mail_config (invocation, error);
  if (mc == NULL)
    return FALSE;
  g_autoptr(GString) dry = g_string_new (NULL);
  EnlaceSendOptions options = {
    .dry_run = opt_dry_run,
    .progress = !opt_dry_run && isatty (STDERR_FILENO) ? progress : NULL,
    .progress_data = (gpointer) _("reminding"),
    .dry_run_output = dry,
  };
  EnlaceRemindReport report = {
    .escalated = g_ptr_array_new_with_free_func (g_free),
    .no_contact = g_ptr_array_new_with_free_func (g_free),
  };
  gboolean ok = enlace_campaign_remind (invocation->directory, mc, &options, &report, error);
  if (ok && opt_dry_run)
    ok = enlace_command_write (dry, error);
  else if (ok)
    {
      g_ptr_array_add (report.escalated, NULL);
      g_autofree char *escalated = g_strjoinv (", ", (char **) report.escalated->pdata);
      fprintf (stderr, _("%u reminders sent, %u refused; escalated to the Cancillería: %s\n"),
               report.reminded, report.refused, *escalated ? escalated : _("none"));
      for (guint k = 0; k < report.no_contact->len; k++)
        fprintf (stderr, _("warning: %s has entries to escalate but no Cancillería contact "
                         "(an active liaison with a role in [mail] notify-roles)\n"),
                 (char *) report.no_contact->pdata[k]);
    }
  g_ptr_array_unref (report.escalated);
  g_ptr_array_unref (report.no_contact);
  return ok;
}

static gboolean
campaign_status (int argc, char **argv, EnlaceInvocation *invocation, GError **error)
{
  g_autoptr(GOptionContext) context = g_option_context_new (_("[YEAR]"));
  if (!enlace_option_context_parse (context, status_options, &argc, &argv, invocation, error))
    return FALSE;
  gboolean json = FALSE;
  if (opt_format != NULL && !(json = g_str_equal (opt_format, "json"))
      && !g_str_equal (opt_format, "table"))
    {
      g_set_error (error, ENLACE_ERROR, ENLACE_ERROR_INVALID,
                   _("--format %s: must be table or json"), opt_format);
      return FALSE;
    }
  if (argc > 2)
    return no_arguments (argc - 1, "enlace campaign status [YEAR] [--format table|json]", error);
  g_autoptr(EnlaceCampaign) c = enlace_campaign_get (invocation->directory,
                                                     argc == 2 ? argv[1] : NULL, error);
  if (c == NULL)
    return FALSE;
  g_autoptr(GArray) rows = enlace_campaign_status (invocation->directory, c, error);
  if (rows == NULL)
    return FALSE;
  g_autoptr(GString) out = g_string_new (NULL);
  EnlaceCampaignCount total = { .country = (char *) "total" };
  if (json)
    {
      g_string_append (out, "{\"year\":");
      enlace_format_json_string (out, c->year);
      g_string_append (out, ",\"state\":");
      enlace_format_json_string (out, c->state);
      g_string_append (out, ",\"countries\":[");
    }
  else
    g_string_append_printf (out, "%-8s %8s %8s %10s %13s %14s %8s\n", _("country"), _("entries"),
                            _("sent"), _("confirmed"), _("needs-review"), _("undeliverable"),
                            _("waiting"));
  for (guint k = 0; k <= rows->len; k++)
    {
      EnlaceCampaignCount *r = k < rows->len ? &g_array_index (rows, EnlaceCampaignCount, k)
                                             : &total;
      if (k < rows->len)
        {
          total.entries += r->entries, total.sent += r->sent, total.confirmed += r->confirmed;
          total.needs_review += r->needs_review, total.undeliverable += r->undeliverable;
          total.waiting += r->waiting;
        }
      if (json && k == rows->len)
        g_string_append (out, "],\"total\":");
      else if (json && k > 0)
        g_string_append_c (out, ',');
      if (json)
        {
          g_string_append (out, "{\"country\":");
          enlace_format_json_string (out, r->country);
          g_string_append_printf (out, ",\"entries\":%u,\"sent\":%u,"
                                  "\"confirmed\":%u,\"needs_review\":%u,\"undeliverable\":%u,"
                                  "\"waiting\":%u}", r->entries, r->sent, r->confirmed,
                                  r->needs_review, r->undeliverable, r->waiting);
        }
      else
        g_string_append_printf (out, "%-8s %8u %8u %10u %13u %14u %8u\n",
                                k < rows->len ? r->country : _("total"), r->entries, r->sent,
                                r->confirmed, r->needs_review, r->undeliverable, r->waiting);
    }
  if (json)
    g_string_append (out, "}\n");
  for (guint k = 0; k < rows->len; k++)
    g_free (g_array_index (rows, EnlaceCampaignCount, k).country);
  return enlace_command_write (out, error);
}

static gboolean
campaign_close (int argc, char **argv, EnlaceInvocation *invocation, GError **error)
{
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  if (!enlace_option_context_parse (context, NULL, &argc, &argv, invocation, error)
      || !no_arguments (argc, "enlace campaign close", error))
    return FALSE;
  g_autoptr(EnlaceCampaign) c = enlace_campaign_get (invocation->directory, NULL, error);
  EnlaceCloseReport report = { 0 };
  if (c == NULL || !enlace_campaign_close (invocation->directory, &report, error))
    return FALSE;
  printf (_("campaign %s is closed: %u confirmed, %u corrections to review, %u now unverified\n"),
          c->year, report.confirmed, report.needs_review, report.unverified);
  return TRUE;
}

static const EnlaceCommand subcommands[] = {
  { "open", ENLACE_COMMAND_ARGUMENTS | ENLACE_COMMAND_WRITES, campaign_open,
    N_("Open the year's campaign: fix the entries to confirm") },
  { "send", ENLACE_COMMAND_WRITES, campaign_send,
    N_("Mail each entry once; safe to interrupt and run again") },
  { "collect", ENLACE_COMMAND_WRITES, campaign_collect,
    N_("Read the replies from IMAP and record the answers") },
  { "confirm", ENLACE_COMMAND_ARGUMENTS | ENLACE_COMMAND_WRITES, campaign_confirm,
    N_("Record an answer that came another way") },
  { "remind", ENLACE_COMMAND_WRITES, campaign_remind,
    N_("Remind the silent; escalate to each Cancillería") },
  { "status", ENLACE_COMMAND_ARGUMENTS, campaign_status, N_("Count the answers, per country") },
  { "close", ENLACE_COMMAND_WRITES, campaign_close,
    N_("Close: the unconfirmed become unverified") },
  { NULL }
};

ENLACE_BUILTIN_PROTO (campaign)
{
  return enlace_command_run_group (subcommands, argc, argv, invocation, error);
}
