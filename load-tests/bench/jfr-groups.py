#!/usr/bin/env python3
"""Shares of a JFR recording's Java samples by component.

    jfr print --events jdk.ExecutionSample --stack-depth 128 rec.jfr | python3 jfr-groups.py

Each sample goes to the innermost frame (top of the stack first) that belongs to one of the groups
below, in this order; JDK and Netty leaf frames are thereby charged to the component that called them
only when no listed component is closer. Record with jdk.ExecutionSample every 1 ms (a copy of the
JDK's profile.jfc with method-sampling-java-interval set to "1 ms") after the JIT has warmed up.
"""
import collections
import re
import sys

GROUPS = [
    ("metrics (micrometer, vertx-micrometer, gateway)", r"io\.micrometer|io\.vertx\.micrometer|gateway\.metrics"),
    ("logging", r"ch\.qos\.logback|org\.slf4j"),
    ("signing (Corretto glue, Nimbus, token)", r"amazon\.corretto|com\.amazon|nimbusds|gateway\.token"),
    ("jackson", r"com\.fasterxml"),
    ("redis client", r"io\.vertx\.redis"),
    ("gateway redis", r"gateway\.redis"),
    ("temppass", r"gateway\.temppass"),
    ("throttle", r"gateway\.throttle"),
    ("access token", r"gateway\.auth|caffeine"),
    ("http handlers", r"gateway\.http"),
    ("gateway bus", r"gateway\.bus"),
    ("vertx event bus", r"io\.vertx\.core\.eventbus"),
    ("vertx-web router", r"io\.vertx\.ext\.web"),
    ("vertx http server", r"io\.vertx\.core\.http"),
    ("vertx futures/context", r"io\.vertx\.core\.impl|io\.vertx\.core\.internal|io\.vertx\.core\.Future|io\.vertx\.core\.Promise"),
    ("vertx json/buffer", r"io\.vertx\.core\.json|io\.vertx\.core\.buffer"),
    ("vertx net", r"io\.vertx\.core\.net"),
    ("netty", r"io\.netty"),
    ("jdk nio", r"sun\.nio|java\.nio"),
]
PATTERNS = [(name, re.compile(pattern)) for name, pattern in GROUPS]


def component(frames):
    for frame in frames:
        for name, pattern in PATTERNS:
            if pattern.search(frame):
                return name
    return "other"


def main():
    counts = collections.Counter()
    frames = None
    for line in sys.stdin:
        if line.startswith("jdk.ExecutionSample"):
            if frames:
                counts[component(frames)] += 1
            frames = []
        elif frames is not None and "line:" in line:
            frames.append(line.strip())
    if frames:
        counts[component(frames)] += 1
    total = sum(counts.values())
    print(f"samples {total}")
    for name, n in counts.most_common():
        print(f"{name:50s} {100 * n / total:5.1f}%")


if __name__ == "__main__":
    main()
