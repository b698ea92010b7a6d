#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
# Copyright (c) 2026, The padko developers
#
# check_jsonl.py SCHEMA MODE ARGS STATUS < padko-json-output
#
# Checks what padko --json printed: every line parses as JSON (the
# equivalent of python3 -c 'import json,sys; [json.loads(l) for l in
# sys.stdin]', plus more), is one object with exactly the members the
# schema gives MODE (pad, check, analyze or verify) and its status, each
# of its type and, where enumerated, one of its values, in the order of
# the modules (ARGS: their paths, NUL-separated, as given to padko; in a
# path that is not UTF-8, each byte that does not start a valid UTF-8
# sequence reads as U+FFFD, as padko writes it), and the worst "exit"
# member is the process's exit status STATUS.
# SCHEMA is what tests/tools/jsonschema prints from the command's own
# tables: "mode NAME PARTS STATUSES" and "member OBJECT NAME TYPE WHEN
# PART VALUES" lines (padko/json.c); the manual is checked against the
# same schema (check_json_manual.py).
# Prints nothing and exits 0 when all is well, else prints what is wrong
# and exits 1.

import codecs
import json
import sys


def one_byte(exc):
    """Replaces one byte, as padko does, not a maximal subpart."""
    return ("\ufffd", exc.start + 1)


codecs.register_error("padko", one_byte)


def names(col):
    return set() if col == "-" else set(col.split(","))


def load_schema(path):
    modes, objects = {}, {}
    with open(path) as f:
        for line in f:
            cols = line.rstrip("\n").split("\t")
            if cols[0] == "mode":
                modes[cols[1]] = (names(cols[2]), names(cols[3]))
            elif cols[0] == "member":
                objects.setdefault(cols[1], []).append({
                    "name": cols[2], "type": cols[3], "when": cols[4],
                    "part": cols[5], "values": names(cols[6])})
    return modes, objects


def check_type(value, kind):
    if kind == "string":
        return isinstance(value, str)
    if kind == "string-or-null":
        return value is None or isinstance(value, str)
    if kind == "boolean":
        return isinstance(value, bool)
    if kind == "number":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind.startswith("object:"):
        return isinstance(value, dict)
    if kind.startswith("array:"):
        return isinstance(value, list)
    return False


class Checker:
    def __init__(self, objects, parts, problems):
        self.objects = objects
        self.parts = parts
        self.problems = problems

    def bad(self, where, what):
        self.problems.append("%s: %s" % (where, what))

    def expected(self, m, obj, error):
        """Whether member m must be in obj (None: it may be)."""
        if m["part"] != "-" and m["part"] not in self.parts:
            return False
        if m["when"] == "always":
            return True
        if m["when"] == "unless-error":
            return not error
        cond = obj.get(m["when"][len("if:"):])
        return isinstance(cond, str) and cond != ""

    def check(self, obj, objname, where, error=False):
        members = [m for m in self.objects[objname]
                   if m["part"] == "-" or m["part"] in self.parts]
        known = {m["name"] for m in members}
        for key in obj:
            if key not in known:
                self.bad(where, "unexpected member %r" % key)
        for m in members:
            key = m["name"]
            if (key in obj) != self.expected(m, obj, error):
                self.bad(where, "member %r %s" % (key, "present" if key
                                                  in obj else "missing"))
            if key not in obj:
                continue
            value = obj[key]
            if not check_type(value, m["type"]):
                self.bad(where, "%r is %r, not %s" % (key, value, m["type"]))
                continue
            if m["values"] and value not in m["values"]:
                self.bad(where, "%r is %r" % (key, value))
            kind, _, element = m["type"].partition(":")
            if kind == "object":
                self.check(value, element, "%s %s" % (where, key))
            elif kind == "array":
                for e in value:
                    if isinstance(e, dict):
                        self.check(e, element, "%s %s" % (where, key))
                    else:
                        self.bad(where, "%r holds %r" % (key, e))


def main():
    modes, objects = load_schema(sys.argv[1])
    mode, args_file, status = sys.argv[2], sys.argv[3], int(sys.argv[4])
    with open(args_file, "rb") as f:
        paths = [p.decode("utf-8", "padko")
                 for p in f.read().split(b"\0")[:-1]]
    parts, statuses = modes[mode]
    problems = []
    checker = Checker(objects, parts, problems)
    objs = []
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
        objs.append(obj)
        where = "line %d (%s)" % (n, obj.get("path"))
        st = obj.get("status")
        if st not in statuses:
            problems.append("%s: status %r in mode %s" % (where, st, mode))
        if (st == "error") != isinstance(obj.get("error"), str):
            problems.append("%s: status %r with error %r" %
                            (where, st, obj.get("error")))
        if st == "error" and (obj.get("exit", 0) < 64 or
                              not obj.get("error")):
            problems.append("%s: error with exit %r" %
                            (where, obj.get("exit")))
        checker.check(obj, "module", where, st == "error")
    got = [o.get("path") for o in objs]
    if got != paths:
        problems.append("paths %r, expected %r" % (got, paths))
    worst = max([o.get("exit", 0) for o in objs] or [0])
    if worst != status:
        problems.append("worst exit member %d, process exit status %d" %
                        (worst, status))
    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
