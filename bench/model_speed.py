#!/usr/bin/env python3
"""Speed of the classifier: training on the features table, and feature
extraction plus prediction per stored report (JSON parsing excluded, as
`snare score --timing` measures it).  Medians of 5 runs.

usage: bench/model_speed.py [--table data/features.tsv] [--reports DIR]
"""
import argparse, glob, os, re, statistics, subprocess, tempfile, time

here = os.path.dirname(os.path.abspath(__file__))
ap = argparse.ArgumentParser()
ap.add_argument('--snare', default=os.path.join(here, '../build/snare'))
ap.add_argument('--table', default=os.path.join(here, '../data/features.tsv'))
ap.add_argument('--reports', default='/tmp/snare-dataset/reports')
args = ap.parse_args()

rows = sum(1 for _ in open(args.table)) - 1
train = []
for _ in range(5):
    out = tempfile.mktemp(suffix='.json')
    t = time.time()
    subprocess.run([args.snare, 'train', args.table, '-o', out], check=True, stderr=subprocess.DEVNULL)
    train.append(time.time() - t)
    os.unlink(out)
reports = sorted(glob.glob(os.path.join(args.reports, '*', '*.json')))
per = []
for _ in range(5):
    p = subprocess.run([args.snare, 'score', '--timing'] + reports, stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE, text=True)
    per.append(float(re.search(r'prediction ([0-9.]+) us', p.stderr).group(1)))
print('training on %d rows: median %.2f s (runs: %s)' % (rows, statistics.median(train), ', '.join('%.2f' % x for x in train)))
print('features + prediction over %d reports: median %.0f us per report' % (len(reports), statistics.median(per)))
