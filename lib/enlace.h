/* enlace.h — libenlace: the directory of liaison officers, focal points and
 * referral institutions of the regional networks against migrant smuggling
 * and trafficking in persons, kept in OpenLDAP. */
#pragma once

#include "enlace-account.h"
#include "enlace-autocleanups.h"
#include "enlace-campaign.h"
#include "enlace-config.h"
#include "enlace-data.h"
#include "enlace-directory.h"
#include "enlace-error.h"
#include "enlace-format.h"
#include "enlace-history.h"
#include "enlace-import.h"
#include "enlace-institution.h"
#include "enlace-ldif.h"
#include "enlace-liaison.h"
#include "enlace-local.h"
#include "enlace-mail.h"
#include "enlace-registry.h"
#include "enlace-seed.h"
#include "enlace-status.h"
#include "enlace-validate.h"
#include "enlace-vocabulary.h"
