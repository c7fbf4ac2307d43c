/* enlace-campaign.h — the yearly re-confirmation campaign.
 *
 * Its state lives in the directory (ou=campaigns), so it survives crashes
 * and every operator sees the same thing. `open` fixes the entries to
 * confirm; `send` mails each one once; `collect` reads the replies;
 * `remind` and escalation follow; `close` marks the silent ones
 * unverified. */
#pragma once

#include <glib.h>

#include "enlace-directory.h"
#include "enlace-mail.h"

G_BEGIN_DECLS

/* Item states. */
#define ENLACE_CAMPAIGN_WAITING "waiting"
#define ENLACE_CAMPAIGN_SENT "sent"
#define ENLACE_CAMPAIGN_CONFIRMED "confirmed"
#define ENLACE_CAMPAIGN_NEEDS_REVIEW "needs-review"
#define ENLACE_CAMPAIGN_UNDELIVERABLE "undeliverable"

typedef struct {
  char *dn;
  char *year;
  char *state;     /* open | closed */
  char *opened;    /* YYYY-MM-DD */
  char *closed;
  char **countries; /* the scope; empty: every member country */
  char **escalated;
  GBytes *key;
} EnlaceCampaign;

void enlace_campaign_free (EnlaceCampaign *campaign);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EnlaceCampaign, enlace_campaign_free)

typedef struct {
  char *dn;
  char *id;
  char *country;
  char *state;
  char *mail;
  char *name;
  char *language;
  char *pending;   /* "initial <id>" while a message is in flight */
  char *sent;      /* dates: YYYY-MM-DD */
  char *reminded;
  char *answered;
  char *reply;
  char *error;
  char *note;
} EnlaceCampaignItem;

void enlace_campaign_item_free (EnlaceCampaignItem *item);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EnlaceCampaignItem, enlace_campaign_item_free)

typedef void (*EnlaceProgressFunc) (guint done, guint total, gpointer user_data);

EnlaceCampaign *enlace_campaign_get (EnlaceDirectory *dir, const char *year, GError **error);
EnlaceCampaign *enlace_campaign_open (EnlaceDirectory *dir, const char *year,
                                      const char *const *countries, guint *n_items,
                                      GError **error);
GPtrArray *enlace_campaign_items (EnlaceDirectory *dir, EnlaceCampaign *campaign,
                                  const char *filter, GError **error);
char *enlace_campaign_token (EnlaceCampaign *campaign, const char *id);
char *enlace_campaign_token_normalize (const char *text);
char *enlace_campaign_token_hash (const char *token);

typedef struct {
  gboolean dry_run;
  guint limit;                /* 0: no limit */
  EnlaceProgressFunc progress;
  gpointer progress_data;
  GString *dry_run_output;    /* what --dry-run would send */
} EnlaceSendOptions;

typedef struct {
  guint sent;
  guint refused;           /* 5xx: recorded undeliverable */
  guint recovered;         /* in flight at a crash, found in the archive */
  guint retried;           /* in flight at a crash, not found: sent again */
  guint remaining;         /* still waiting after this run */
} EnlaceSendReport;

gboolean enlace_campaign_send (EnlaceDirectory *dir, EnlaceMailConfig *mc,
                               const EnlaceSendOptions *options, EnlaceSendReport *report,
                               GError **error);

typedef struct {
  guint confirmed;
  guint needs_review;
  guint unmatched;  /* no known token: left unflagged for a person */
  guint skipped;    /* already flagged by an earlier run */
} EnlaceCollectReport;

gboolean enlace_campaign_collect (EnlaceDirectory *dir, EnlaceMailConfig *mc,
                                  const char *mailbox_url, EnlaceCollectReport *report,
                                  GError **error);
char *enlace_campaign_confirm (EnlaceDirectory *dir, const char *token_or_id, const char *note,
                               GError **error);

typedef struct {
  guint reminded;
  guint refused;
  GPtrArray *escalated;  /* country codes */
  GPtrArray *no_contact; /* countries with entries to escalate but no Cancillería address */
} EnlaceRemindReport;

gboolean enlace_campaign_remind (EnlaceDirectory *dir, EnlaceMailConfig *mc,
                                 const EnlaceSendOptions *options, EnlaceRemindReport *report,
                                 GError **error);

typedef struct {
  char *country;
  guint entries, sent, confirmed, needs_review, undeliverable, waiting;
} EnlaceCampaignCount;

GArray *enlace_campaign_status (EnlaceDirectory *dir, EnlaceCampaign *campaign, GError **error);

typedef struct {
  guint confirmed;
  guint needs_review;
  guint unverified;
} EnlaceCloseReport;

gboolean enlace_campaign_close (EnlaceDirectory *dir, EnlaceCloseReport *report, GError **error);

/* Mail templates: data files templates/NAME.LANG.txt (first line
 * "Subject: ...", a blank line, the body) with {{var}} placeholders. */
gboolean enlace_template_render (EnlaceMailConfig *mc, const char *name, const char *language,
                                 GHashTable *vars, char **subject, char **body, GError **error);

/* Change notices (register, authorise, update, retire). */
typedef enum {
  ENLACE_NOTICE_REGISTERED,
  ENLACE_NOTICE_AUTHORIZED,
  ENLACE_NOTICE_UPDATED,
  ENLACE_NOTICE_RETIRED,
} EnlaceNotice;

gboolean enlace_notice_send (EnlaceDirectory *dir, EnlaceConfig *config, EnlaceNotice notice,
                             const char *id, GError **error);
GPtrArray *enlace_cancilleria_contacts (EnlaceDirectory *dir, EnlaceMailConfig *mc,
                                        const char *country, GError **error);

G_END_DECLS
