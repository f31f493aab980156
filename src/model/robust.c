/* What keeps the model from being talked down: monotone constraints (no
 * feature can lower the score by growing) and adversarial augmentation
 * (malicious rows with what a package adds for free inflated). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "features/features.h"
#include "model/model.h"
#include "util/xalloc.h"

/* The direction of a model column: +1, non-decreasing.  Every USED row of
 * features.def counts a malicious indicator, and every MASKED row is a
 * count a package can inflate for free (zeroed before training anyway), so
 * none may lower the score.  A row whose growth is evidence of benign
 * behaviour would say so in features.def and get -1 here. */
static int column_direction(const struct feature_info *fi)
{
	(void)fi;
	return 1;
}

char *model_monotone_constraints(void)
{
	size_t n = features_model_count();
	size_t cap = 3 * n + 3, len = 1; /* "-1," per column, "(", ")" and NUL */
	char *s = xmalloc(cap);

	s[0] = '(';
	for (size_t j = 0; j < n; j++)
		len += (size_t)snprintf(s + len, cap - len, "%s%d", j ? "," : "",
					column_direction(features_info(j)));
	snprintf(s + len, cap - len, ")");
	return s;
}

/* The copies each malicious row gets. */
enum augment_copy {
	AUG_STEPS = 1 << 0, /* a harmless and a failing script step */
	AUG_CODE = 1 << 1,  /* padding: a bundled, minified file */
	AUG_COPIES = 3,	    /* steps, code, both: the copies are 1 .. AUG_COPIES */
};

/* What a package adds for free, by vector name: value + add, at least
 * |at_least|, in the copies of |copies|.  Steps: npm runs each script with
 * sh, so a step "node x.js" and a step "false" add two shells and two
 * commands, one failing, and some output.  Code: a bundle adds files,
 * kilobytes, long lines, URLs in comments and process.env.NODE_ENV reads. */
static const struct {
	const char *feature;
	float add, at_least;
	unsigned copies;
} AUGMENT[] = {
	{"n_commands", 4, 0, AUG_STEPS},	{"static.scripts", 1, 0, AUG_STEPS},
	{"any.cmd_total", 4, 0, AUG_STEPS},	{"any.cmd_shell", 2, 0, AUG_STEPS},
	{"any.cmd_failed", 2, 0, AUG_STEPS},	{"any.stdout_bytes", 2048, 0, AUG_STEPS},
	{"static.code_files", 20, 0, AUG_CODE}, {"static.code_kb", 256, 0, AUG_CODE},
	{"static.long_lines", 4, 0, AUG_CODE},	{"static.max_line", 0, 20000, AUG_CODE},
	{"static.url_hosts", 3, 0, AUG_CODE},	{"static.env_refs", 4, 0, AUG_CODE},
};

size_t model_augment(const float *X, const float *y, size_t nrows, float **Xa, float **ya)
{
	size_t n = features_count(), pos = 0, k = nrows;
	int col[sizeof(AUGMENT) / sizeof(AUGMENT[0])];

	for (size_t a = 0; a < sizeof(AUGMENT) / sizeof(AUGMENT[0]); a++) {
		col[a] = features_index(AUGMENT[a].feature);
		if (col[a] < 0) {
			fprintf(stderr, "snare: augmentation names unknown feature '%s'\n",
				AUGMENT[a].feature);
			abort();
		}
	}
	for (size_t i = 0; i < nrows; i++)
		pos += y[i] > 0.5f;
	*Xa = xmalloc((nrows + pos * AUG_COPIES + 1) * n * sizeof(float));
	*ya = xmalloc((nrows + pos * AUG_COPIES + 1) * sizeof(float));
	memcpy(*Xa, X, nrows * n * sizeof(float));
	memcpy(*ya, y, nrows * sizeof(float));
	for (size_t i = 0; i < nrows; i++) {
		if (!(y[i] > 0.5f))
			continue;
		for (unsigned c = 1; c <= AUG_COPIES; c++, k++) {
			float *x = *Xa + k * n;
			memcpy(x, X + i * n, n * sizeof(float));
			for (size_t a = 0; a < sizeof(AUGMENT) / sizeof(AUGMENT[0]); a++) {
				if (!(AUGMENT[a].copies & c))
					continue;
				float v = x[col[a]] + AUGMENT[a].add;
				x[col[a]] = v > AUGMENT[a].at_least ? v : AUGMENT[a].at_least;
			}
			(*ya)[k] = y[i];
		}
	}
	return k - nrows;
}
