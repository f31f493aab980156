/* The behaviour report: one JSON document per run (docs/report.md), and a
 * short human summary. */
#ifndef SNARE_REPORT_H
#define SNARE_REPORT_H

#include <stdio.h>
#include <jansson.h>

#include "run/run.h"

#define REPORT_SCHEMA "snare.report/1"

/* Builds the report; the caller owns the result (json_decref). */
json_t *report_build(const struct run_result *res);
/* Writes a few lines on what happened to |f|. */
void report_summary(const json_t *report, FILE *f);

#endif
