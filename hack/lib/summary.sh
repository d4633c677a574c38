#!/usr/bin/env bash
# Adds up what the test runners reported: Surefire and Failsafe XML reports, and the lab (LAB_RESULT, set by hack/test).
# Ends with one line "total: N passed, N failed" so a reader (or CI) sees the whole result at the end.
cd "$(dirname "$0")/../.."
python3 - <<'PY'
import glob, os, re, xml.etree.ElementTree as ET
passed = failed = skipped = 0
for kind in ("surefire-reports", "failsafe-reports"):
    p = f = s = 0
    for path in glob.glob(f"*/target/{kind}/TEST-*.xml"):
        root = ET.parse(path).getroot()
        t = int(root.get("tests", 0)); bad = int(root.get("failures", 0)) + int(root.get("errors", 0)); sk = int(root.get("skipped", 0))
        p += t - bad - sk; f += bad; s += sk
    print(f"{kind.split('-')[0]}: {p} passed, {f} failed, {s} skipped")
    passed += p; failed += f; skipped += s
m = re.fullmatch(r"(\d+) passed, (\d+) failed", os.environ.get("LAB_RESULT", ""))
if m:
    print(f"lab: {m.group(1)} passed, {m.group(2)} failed")
    passed += int(m.group(1)); failed += int(m.group(2))
print(f"total: {passed} passed, {failed} failed")
PY
