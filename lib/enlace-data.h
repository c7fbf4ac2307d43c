/* enlace-data.h — where enlace finds its data files (schema, seeds). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

char *enlace_data_find (const char *relpath, GError **error);

G_END_DECLS
