#!/usr/bin/python3
"""Reference timing for bench/fmri-connectivity.bench.ts: the same work in numpy/scipy/sklearn on the
ABIDE 100-subject cohort — nilearn-semantics connectivity (pearson, partial, tangent; the code of
test/fixtures/reference/connectivity_sklearn.py) and a 5-fold StratifiedKFold(shuffle=False) on site|
diagnosis with StandardScaler + LogisticRegression(C=1) (sklearn's default lbfgs) on tangent features.
Loading the .mat files is not timed. Prints one JSON object of seconds per stage.
"""
import csv
import json
import os
import sys
import time
import warnings

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', '..', 'test', 'fixtures', 'reference'))
import connectivity_sklearn as conn  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.model_selection import StratifiedKFold  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402

rows = list(csv.DictReader(open(os.path.join(conn.ABIDE, 'labels_100.csv'), newline='')))
series = [conn.load_abide(r['SUB_ID']) for r in rows]
y = np.array(['ASD' if r['DX_GROUP'] == '1' else 'control' for r in rows])
strata = np.array([f"{r['SITE_ID']}|{label}" for r, label in zip(rows, y)])

out = {}
features = {}
for kind in ('pearson', 'partial', 'tangent'):
    start = time.perf_counter()
    mats, _, _ = conn.connectivity(series, kind)
    features[kind] = conn.features(mats)
    out[kind] = time.perf_counter() - start

start = time.perf_counter()
X = features['tangent']
with warnings.catch_warnings():
    warnings.simplefilter('ignore')
    for train, test in StratifiedKFold(5, shuffle=False).split(X, strata):
        model = make_pipeline(StandardScaler(), LogisticRegression(C=1.0)).fit(X[train], y[train])
        model.decision_function(X[test])
out['classifier'] = time.perf_counter() - start
print(json.dumps(out))
