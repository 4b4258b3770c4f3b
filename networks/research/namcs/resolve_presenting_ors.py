"""Solve the presenting odds ratios that are set by a target share among presenters (session 54).

DVT, the local calf lesions, lumbar radiculopathy and arthritis carry a
care_setting = presenting odds ratio solved on the loaded network so that the
condition's probability among presenters meets a target stated in its note;
when the presenting age and sex mix changes, the ratios must be solved again.
This bisects each ratio on a copy of the network file (written beside it and
removed) with the ratio's range opened, and prints the solutions; the file
itself is edited by hand. Usage: ``python networks/research/namcs/resolve_presenting_ors.py``
(with crampnet importable).
"""

import os
import re
import tempfile
import time
from pathlib import Path

import crampnet
HERE = Path(__file__).resolve().parent
NETWORK = HERE.parents[1] / 'leg_cramps.toml'
SRC = NETWORK.read_text(encoding='utf-8')
def set_or(text, node, value):
    pat = re.compile(r'(\[\[nodes\.%s\.cpd\.odds_ratios\]\]\nparent = "care_setting"\nstate = "presenting"\nvalue = )([0-9.]+)\nlow = ([0-9.]+)\nhigh = ([0-9.]+)' % node)
    m = pat.search(text); assert m, node
    return text[:m.start(2)] + repr(float(value)) + '\nlow = 0.001\nhigh = 100000.0' + text[m.end(4):]
def p_present(text, node):
    with tempfile.NamedTemporaryFile('w', suffix='.toml', delete=False, dir=NETWORK.parent) as f:
        f.write(text); path = f.name
    try:
        m = crampnet.load(path)
        return float(m.posteriors({})[node])
    finally:
        os.unlink(path)
def solve(text, node, target, lo, hi, tol=1e-5):
    import math
    a, b = math.log(lo), math.log(hi)
    for _ in range(40):
        mid = (a + b) / 2
        p = p_present(set_or(text, node, math.exp(mid)), node)
        if p < target: a = mid
        else: b = mid
        if b - a < 1e-5: break
    return math.exp((a + b) / 2)
t0=time.time()
text = SRC
# arthritis: target s + (1-s) p_age, p_age at OR 1
p_age = p_present(set_or(text, 'arthritis', 1.0), 'arthritis')
res = {}
for label, s in [('value', 0.0775), ('low', 0.0535), ('high', 0.104)]:
    target = s + (1 - s) * p_age
    res[('arthritis', label)] = (solve(text, 'arthritis', target, 1.0, 3.0), target)
print('p_age', p_age, res, time.time()-t0, flush=True)
text = set_or(text, 'arthritis', round(res[('arthritis','value')][0], 2))
for node, targets in [('local_calf_pathology', [('value', 0.074), ('low', 0.048), ('high', 0.12)]), ('deep_vein_thrombosis', [('value', 0.0233)]), ('lumbar_radiculopathy', [('value', 0.148)])]:
    for label, target in targets:
        res[(node, label)] = (solve(text, node, target, 1.0, 1000.0), target)
        print(node, label, res[(node, label)], time.time()-t0, flush=True)
