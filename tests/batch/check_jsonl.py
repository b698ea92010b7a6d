#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
# Copyright (c) 2026, The padko developers
#
# check_jsonl.py MODE ARGS STATUS < padko-json-output
#
# Checks what padko --json printed: every line parses as JSON (the
# equivalent of python3 -c 'import json,sys; [json.loads(l) for l in
# sys.stdin]', plus more), is one object with the members padko(1) lists
# for MODE (pad, check, analyze or verify) and for its status, in the
# order of the modules (ARGS: their paths, NUL-separated, as given to
# padko; in a path that is not UTF-8, each byte that does not start a
# valid UTF-8 sequence reads as U+FFFD, as padko writes it), and the worst
# "exit" member is the process's exit status STATUS.
# Prints nothing and exits 0 when all is well, else prints what is wrong
# and exits 1.

import codecs
import json
import sys


def one_byte(exc):
    """Replaces one byte, as padko does, not a maximal subpart."""
    return ("\ufffd", exc.start + 1)


codecs.register_error("padko", one_byte)

COMMON = {"path": str, "status": str, "exit": int, "error": (str, type(None))}
PLAN = {"relocatable": bool, "sets": list, "boundary": list, "layout": list}
VERIFY = {"kernel": str, "accepted": bool, "message": str, "sets": list,
          "relative_moved": int, "relative_at_end": int, "hazards": list}
STATUSES = {
    "pad": {"padded", "would-pad", "unchanged", "error"},
    "check": {"ok", "needs-padding", "error"},
    "analyze": {"ok", "needs-padding", "error"},
    "verify": {"accepted", "refused", "error"},
}
SET_STATES = {"empty", "already-padded", "pad-in-place", "pad-moving"}
REF = {"set": str, "r_offset": int, "value": int, "new_value": int,
       "meaning": str, "decided": bool, "evidence": str}


def members(obj, spec, where, problems):
    for key, kind in spec.items():
        if key not in obj:
            problems.append("%s: no member %r" % (where, key))
        elif isinstance(obj[key], bool) and kind is int:
            problems.append("%s: %r is a boolean" % (where, key))
        elif not isinstance(obj[key], kind):
            problems.append("%s: %r is %r" % (where, key, obj[key]))


def check_plan(obj, mode, where, problems):
    members(obj, PLAN, where, problems)
    if mode == "analyze":
        members(obj, {"lint": list}, where, problems)
    for s in obj.get("sets", []):
        members(s, {"name": str, "state": str, "old": dict, "new": dict,
                    "following_shift": int, "exported": bool},
                where + " set", problems)
        if s.get("state") not in SET_STATES:
            problems.append("%s: set state %r" % (where, s.get("state")))
    for n in obj.get("layout", []):
        members(n, {"section": str, "linker_address": int, "address": int,
                    "r_offset": int, "reason": str},
                where + " layout", problems)
    for key in ("boundary", "lint"):
        for r in obj.get(key, []):
            members(r, REF, "%s %s" % (where, key), problems)
            if r.get("meaning") not in ("END", "STOP", "NEXT", "DISPLACED"):
                problems.append("%s: meaning %r" % (where, r.get("meaning")))


def main():
    mode, args_file, status = sys.argv[1], sys.argv[2], int(sys.argv[3])
    with open(args_file, "rb") as f:
        paths = [p.decode("utf-8", "padko")
                 for p in f.read().split(b"\0")[:-1]]
    problems = []
    objects = []
    data = sys.stdin.buffer.read()
    if data and not data.endswith(b"\n"):
        problems.append("the output does not end with a newline")
    for n, line in enumerate(data.decode("utf-8").splitlines(), 1):
        try:
            obj = json.loads(line)
        except ValueError as e:
            problems.append("line %d does not parse: %s: %r" % (n, e, line))
            continue
        if not isinstance(obj, dict):
            problems.append("line %d is not an object" % n)
            continue
        objects.append(obj)
        where = "line %d (%s)" % (n, obj.get("path"))
        members(obj, COMMON, where, problems)
        st = obj.get("status")
        if st not in STATUSES[mode]:
            problems.append("%s: status %r in mode %s" % (where, st, mode))
        if (st == "error") != isinstance(obj.get("error"), str):
            problems.append("%s: status %r with error %r" %
                            (where, st, obj.get("error")))
        if st == "error":
            if obj.get("exit", 0) < 64 or not obj.get("error"):
                problems.append("%s: error with exit %r" %
                                (where, obj.get("exit")))
            continue
        if mode == "pad":
            members(obj, {"output": (str, type(None))}, where, problems)
        if mode == "verify":
            members(obj, VERIFY, where, problems)
        else:
            check_plan(obj, mode, where, problems)
    got = [o.get("path") for o in objects]
    if got != paths:
        problems.append("paths %r, expected %r" % (got, paths))
    worst = max([o.get("exit", 0) for o in objects] or [0])
    if worst != status:
        problems.append("worst exit member %d, process exit status %d" %
                        (worst, status))
    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
