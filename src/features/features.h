/* Behaviour features: a documented, versioned vector of named numbers
 * computed from a report.  features.def holds one row per feature (its
 * scope, whether the model uses it, the sentence and the evidence that
 * explain it); docs/features.md gives each its meaning.  The model is
 * trained on, and only accepts, the columns of the same schema version. */
#ifndef SNARE_FEATURES_H
#define SNARE_FEATURES_H

#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>

/* Versions the model's columns (the USED and MASKED rows, in order).
 * ABSENT features may come and go without a new schema. */
#define FEATURES_SCHEMA 3

enum feature_scope {
	FEATURE_RUN,	 /* over the whole run: "n_commands" */
	FEATURE_STATIC,	 /* the package's own files: "static.eval" */
	FEATURE_PHASE,	 /* once per phase: "install.cmd_total", "import.cmd_total" */
	FEATURE_BROWSER, /* the browser phase's page: "browser.page_hooks" */
};

enum feature_model {
	FEATURE_USED,	/* a column of the model, used */
	FEATURE_MASKED, /* a column of the model, zeroed before training and prediction */
	FEATURE_ABSENT, /* not a column of the model */
};

/* What explain/ lists from the report after a feature's sentence. */
enum feature_evidence {
	FEATURE_EV_NONE,
	FEATURE_EV_RUN_COMMANDS,  /* every phase's commands, by name */
	FEATURE_EV_RUN_NAMES,	  /* every phase's DNS names */
	FEATURE_EV_RUN_ADDRESSES, /* every phase's socket addresses */
	FEATURE_EV_COMMANDS,	  /* the phase's commands with their arguments */
	FEATURE_EV_CANARIES,	  /* the phase's canary hits: what leaked, how, where to */
	FEATURE_EV_READ_THEN_NET, /* credential (or .env) reads, then the first destination */
	FEATURE_EV_READS_CRED,	  /* the phase's reads of paths of one class (paths.h) */
	FEATURE_EV_READS_BROWSER,
	FEATURE_EV_READS_WALLET,
	FEATURE_EV_READS_DISCORD,
	FEATURE_EV_READS_ENVFILE,
	FEATURE_EV_READS_SYSTEM,
	FEATURE_EV_READS_HISTORY,
	FEATURE_EV_READS_DOCUMENTS,
	FEATURE_EV_READS_SECRETS,    /* credential, then wallet reads */
	FEATURE_EV_WRITES,	     /* the phase's writes */
	FEATURE_EV_WRITES_PERSIST,   /* its writes of persistence paths */
	FEATURE_EV_WRITES_DOCUMENTS, /* its writes of documents */
	FEATURE_EV_WRITES_OUTSIDE,   /* its writes outside /tmp, /dev and node_modules */
	FEATURE_EV_DELETES,
	FEATURE_EV_DELETES_OUTSIDE,
	FEATURE_EV_LOOKUPS,	      /* the phase's DNS names */
	FEATURE_EV_CONNECTS,	      /* its connects, by host name where one is known */
	FEATURE_EV_CONNECTS_RAW_IP,   /* its connects to addresses no DNS answer gave */
	FEATURE_EV_CONNECTS_ODD_PORT, /* its connects to ports other than 80 and 443 */
	FEATURE_EV_CONNECTS_UNIX,     /* its Unix-socket connects, by path */
	FEATURE_EV_SENDS,	      /* what the sink received: size, destination, request */
	FEATURE_EV_DENIED,	      /* the syscalls the sandbox refused */
	FEATURE_EV_DEP_NET,	      /* dependencies' install steps that used the network */
	FEATURE_EV_LEAKS_IDENTITY,    /* the identity values the phase sent, how, where to */
	FEATURE_EV_LEAKS_ENV,	      /* the environment values it sent */
	FEATURE_EV_DESTS_RELATED,     /* its destinations of one class (features/leaks.h) */
	FEATURE_EV_DESTS_CDN,
	FEATURE_EV_DESTS_SERVICE,
	FEATURE_EV_DESTS_RAW_IP,
	FEATURE_EV_DESTS_UNRELATED,
	FEATURE_EV_CHAIN,      /* what was taken and where it went */
	FEATURE_EV_STATIC_CAP, /* static.capabilities of the row's kind ("cap_<kind>"):
				  what, file:line */
};

/* One row of features.def. */
struct feature_info {
	const char *name; /* as in the row: "cmd_total", "eval" */
	enum feature_scope scope;
	enum feature_model model;
	const char *sentence; /* a phrase with {n}, {bytes}, {kib}, {ms}, {x} and
				 [one|many] for the value (features.def) */
	enum feature_evidence evidence;
};

/* The number of features and their names, in vector order: the model's
 * columns first (features_model_count() of them), then the features the
 * model does not have. */
size_t features_count(void);
const char *features_name(size_t i);
/* Index of |name|, or -1. */
int features_index(const char *name);
/* The row of feature |i| (< features_count()). */
const struct feature_info *features_info(size_t i);

/* The number of the model's columns: the first features_model_count()
 * entries of every feature vector. */
size_t features_model_count(void);

/* Whether the model uses feature |i|: a column that is not masked.
 * Counts of how much a package does (commands, names, addresses,
 * connections, bytes, code size, "has an install script") stay in the
 * table and the baseline but not in the model: they separate the training
 * corpora, not malice from benign. */
bool features_for_model(size_t i);

/* Fills |out| (features_count() floats) from |report|; every value is
 * finite (an overflow becomes +-FLT_MAX, a NaN 0).  Returns 0, or -1
 * with one line in |err| for a report that is not a snare report. */
int features_extract(const json_t *report, float *out, char *err, size_t errlen);

/* Whether |command| (an entry of a phase's "commands") counts in the row
 * |row| ("cmd_net": curl, wget ...; "cmd_failed": its exec failed); true
 * for a row that counts every command. */
bool features_command_counts(const char *row, const json_t *command);

/* The same for |lookup|, an entry of a phase's "dns" ("dns_service": a
 * name under an OAST, webhook, paste or tunnel service). */
bool features_lookup_counts(const char *row, const json_t *lookup);

/* For a feature of the "any" block ("any.canary_hits": a row's largest
 * value over the phases), the phase where it reaches it ("install"), or
 * NULL: another feature, or the row is 0 in every phase. */
const char *features_phase_of(const json_t *report, const char *feature);

/* A behaviour that is malicious by itself (rules.def): a PHASE row, the
 * least value that meets the rule in the install, prepare or import
 * phase, and what it means. */
struct features_rule {
	const char *feature;
	float min;
	const char *why;
};

/* The probability a package that meets a rule gets: at or above every
 * threshold a model can have (they lie in (0, 1)). */
#define FEATURES_RULE_FLOOR 1.0f

/* The first rule |x| (features_count() floats) meets, or NULL; |row| (may
 * be NULL) receives the phase's row that meets it ("install.cmd_persist"). */
const struct features_rule *features_rule_hit(const float *x, char *row, size_t rowlen);

#endif
