/* enlace-mail.h — mail out (SMTP) and in (IMAP) through libcurl.
 *
 * Settings come from the [mail] group of the config file, overridden by
 * ENLACE_SMTP_URL, ENLACE_IMAP_URL, ENLACE_MAIL_FROM,
 * ENLACE_MAIL_PASSWORD_FILE and ENLACE_MAIL_CAFILE. One SMTP connection is
 * reused for a whole batch; temporary failures (4xx, a dropped connection)
 * are retried with backoff; a permanent refusal (5xx) is
 * ENLACE_ERROR_REJECTED. A server beyond this machine is spoken to over
 * TLS only, its certificate checked (enlace-mail-tls.c); a refusal there is
 * ENLACE_ERROR_UNREACHABLE, and is not retried. */
#pragma once

#include <glib.h>

#include "enlace-config.h"

G_BEGIN_DECLS

typedef struct _EnlaceMailConfig EnlaceMailConfig;

struct _EnlaceMailConfig {
  char *smtp_url;        /* smtp://host:port, smtps://…; user in the URL */
  char *imap_url;        /* imap://user@host:port (no mailbox) */
  char *from;            /* the Secretariat's sending address */
  char *from_name;       /* its display name */
  char *password;        /* from the password file, or NULL */
  char *secretariat;     /* where change notices go (default: from) */
  char *archive;         /* a copy of every campaign message goes here (BCC) */
  char *archive_mailbox; /* the IMAP mailbox that receives those copies */
  char *templates;       /* a directory of templates that override the installed ones */
  gboolean notify;       /* send change notices */
  char **notify_roles;   /* whose addresses count as the Cancillería's */
  int retries;           /* extra attempts after a temporary failure */
  int retry_delay_ms;    /* first backoff; doubles each time */
  gboolean starttls;     /* require STARTTLS on smtp:// and imap:// to this machine too */
  int remind_after;      /* days */
  int escalate_after;    /* days */
  GHashTable *templates_read; /* private: template name → text, read once */
  char *cafile;          /* the CAs that sign the mail servers' certificates; NULL: the system's */
};

EnlaceMailConfig *enlace_mail_config_new (EnlaceConfig *config, GError **error);
void enlace_mail_config_free (EnlaceMailConfig *mc);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EnlaceMailConfig, enlace_mail_config_free)
gboolean enlace_mail_config_can_send (EnlaceMailConfig *mc, GError **error);

/* A message to compose. Every header value is checked: CR, LF or NUL in
 * one is an ENLACE_ERROR_INVALID error naming the header, never an
 * injected header. Non-ASCII text is RFC 2047-encoded. */
typedef struct _EnlaceMessage EnlaceMessage;

EnlaceMessage *enlace_message_new (const char *from_name, const char *from_address);
void enlace_message_free (EnlaceMessage *msg);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EnlaceMessage, enlace_message_free)
void enlace_message_add_to (EnlaceMessage *msg, const char *name, const char *address);
void enlace_message_add_bcc (EnlaceMessage *msg, const char *address);
void enlace_message_set_subject (EnlaceMessage *msg, const char *subject);
void enlace_message_set_text (EnlaceMessage *msg, const char *text);
void enlace_message_set_html (EnlaceMessage *msg, const char *html);
void enlace_message_add_header (EnlaceMessage *msg, const char *name, const char *value);
void enlace_message_set_id (EnlaceMessage *msg, const char *message_id);
const char *enlace_message_get_id (EnlaceMessage *msg);
GBytes *enlace_message_render (EnlaceMessage *msg, GError **error);
char *enlace_message_new_id (const char *from_address);

/* SMTP over one reused connection. */
typedef struct _EnlaceMailer EnlaceMailer;

EnlaceMailer *enlace_mailer_new (EnlaceMailConfig *mc, GError **error);
void enlace_mailer_free (EnlaceMailer *mailer);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EnlaceMailer, enlace_mailer_free)
gboolean enlace_mailer_connect (EnlaceMailer *mailer, GError **error);
gboolean enlace_mailer_send (EnlaceMailer *mailer, EnlaceMessage *msg, GError **error);

/* IMAP: one mailbox over one connection. */
typedef struct _EnlaceImap EnlaceImap;

EnlaceImap *enlace_imap_new (EnlaceMailConfig *mc, const char *mailbox_url, GError **error);
void enlace_imap_free (EnlaceImap *imap);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EnlaceImap, enlace_imap_free)
GArray *enlace_imap_search (EnlaceImap *imap, const char *criteria, GError **error);
GBytes *enlace_imap_fetch (EnlaceImap *imap, guint uid, GError **error);
gboolean enlace_imap_add_flags (EnlaceImap *imap, guint uid, const char *flags, GError **error);
gboolean enlace_imap_has_message_id (EnlaceImap *imap, const char *message_id, gboolean *found,
                                     GError **error);

/* Replies, read back. */
typedef struct {
  char *subject;     /* decoded (RFC 2047) */
  char *from;        /* the address only */
  char *message_id;
  char *in_reply_to;
  char *text;        /* the first text/plain part, decoded to UTF-8 */
} EnlaceMailReply;

EnlaceMailReply *enlace_mail_reply_parse (const char *data, gsize len);
void enlace_mail_reply_free (EnlaceMailReply *reply);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EnlaceMailReply, enlace_mail_reply_free)
char *enlace_mail_reply_new_text (const char *text);
char *enlace_mail_decode_header (const char *value);

G_END_DECLS
