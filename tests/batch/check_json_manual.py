#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
# Copyright (c) 2026, The padko developers
#
# check_json_manual.py SCHEMA MANUAL
#
# The manual lists the JSON members padko prints; the command builds them
# from one table, which tests/tools/jsonschema prints (SCHEMA: its output,
# "member OBJECT NAME TYPE WHEN PART VALUES" lines).  This checks that the
# JSON OUTPUT section of MANUAL (doc/padko.1) names with .Va exactly the
# members of the schema, and quotes with .Dq exactly the values of its
# enumerated members (statuses, set names and states, meanings, kernels),
# so that adding, renaming or dropping one in either place alone fails.
# Prints what differs and exits 1, or prints nothing and exits 0.

import sys


def schema_names(path):
    members, values = set(), set()
    with open(path) as f:
        for line in f:
            cols = line.rstrip("\n").split("\t")
            if cols[0] != "member":
                continue
            members.add(cols[2])
            if cols[6] != "-":
                values.update(cols[6].split(","))
    return members, values


def manual_names(path):
    """The words after Va and Dq in the macro lines of JSON OUTPUT."""
    members, values = set(), set()
    inside = False
    with open(path) as f:
        for line in f:
            if line.startswith(".Sh "):
                inside = line.strip() == ".Sh JSON OUTPUT"
                continue
            if not inside or not line.startswith("."):
                continue
            words = line[1:].split()
            for macro, word in zip(words, words[1:]):
                if macro == "Va":
                    members.add(word)
                elif macro == "Dq":
                    values.add(word)
    return members, values


def main():
    members, values = schema_names(sys.argv[1])
    man_members, man_values = manual_names(sys.argv[2])
    problems = []
    if not members or not man_members:
        problems.append("no members found (schema %d, manual %d)" %
                        (len(members), len(man_members)))
    for name in sorted(members - man_members):
        problems.append("member %s is not in the manual" % name)
    for name in sorted(man_members - members):
        problems.append("the manual names member %s, which padko does "
                        "not print" % name)
    for v in sorted(values - man_values):
        problems.append("value %s is not in the manual" % v)
    for v in sorted(man_values - values):
        problems.append("the manual quotes value %s, which padko does "
                        "not print" % v)
    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
