/* The output formats of package results (snare scan, snare audit): a
 * table of {name, writer} rows in cli/formats.def, one writer per file.
 * Adding a format is one row there and its writer's file. */
#ifndef SNARE_CLI_FORMAT_H
#define SNARE_CLI_FORMAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <jansson.h>

#include "scan/scan.h"

/* What a writer is given besides the results. */
struct format_args {
	const char *title;   /* heads the text table; NULL: none */
	const char *command; /* the command line (format_command_line()), for SARIF's
				invocation; NULL: "snare" */
	/* text: benign packages are one count line ("412 benign (--all lists
	 * them)") instead of a row each */
	bool fold_benign;
	/* text: only the malicious rows and their evidence (audit -q) */
	bool findings_only;
};

/* A writer prints |n| results, sorted (malicious, errors, not scanned,
 * benign, then by name), on |f|.  One is declared per row of formats.def. */
typedef void format_writer(const struct pkg_result *r, size_t n, const struct format_args *a,
			   FILE *f);
#define FORMAT(id, name, writer) format_writer writer;
#include "cli/formats.def"
#undef FORMAT

enum out_format {
#define FORMAT(id, name, writer) FORMAT_##id,
#include "cli/formats.def"
#undef FORMAT
};

/* A format's name ("text", "jsonl", ...) -> 0 and |*f|; else -1. */
int out_format_parse(const char *s, enum out_format *f);

/* The names of every format for messages: "text, jsonl or sarif". */
void out_format_names(char *buf, size_t len);

/* Writes |usage| on |f| with each "{formats}" replaced by
 * out_format_names(). */
void format_usage(const char *usage, FILE *f);

/* Sorts |n| results (see format_writer) and prints them in |format|;
 * |title| heads the text table, |command| is the command line. */
void results_print(struct pkg_result *r, size_t n, enum out_format format, const char *title,
		   const char *command, FILE *f);
/* The same with every writer argument in |a|. */
void results_print_args(struct pkg_result *r, size_t n, enum out_format format,
			const struct format_args *a, FILE *f);

/* 1 when anything is malicious, else 2 when anything failed (or, with
 * |strict|, was not scanned), else 0. */
int results_exit_code(const struct results_summary *s, bool strict);

/* The one-line summary: "6 packages: 1 malicious, 4 benign, 1 not scanned
 * (partial result)". */
void results_summary_line(const struct results_summary *s, char *buf, size_t len);

/* "malicious", "error", "not_scanned", "benign", "partial". */
const char *format_status_name(enum pkg_status s);
/* "scan", "store", "rescored"; NULL for ORIGIN_NONE. */
const char *format_origin_name(enum pkg_origin o);

/* The texts of the result's first |max| explanations that push towards
 * malicious, joined by "; " into |buf| ("" when none). */
void format_evidence(const struct pkg_result *r, char *buf, size_t len, size_t max);

/* The result as one JSON object (a jsonl line). */
json_t *pkg_result_json(const struct pkg_result *r);

/* The command line |prog| |argv|... as one string for SARIF's invocation,
 * each word quoted for a POSIX shell where it needs it ("snare audit
 * --format sarif 'my project'").  |argv| is a command's own (argv[0]: its
 * name).  malloc'd. */
char *format_command_line(const char *prog, int argc, char *const *argv);

/* A SARIF 2.1.0 log: one result per malicious package (rule
 * "snare/malicious-package", level error), located in its file when
 * known; packages that were not scanned or failed become tool
 * notifications, and the run says whether it was partial.  A relative
 * file is relative to the source root (uriBaseId %SRCROOT%). */
json_t *results_sarif(const struct pkg_result *r, size_t n, const char *command);

#endif
