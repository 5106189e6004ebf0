#!/usr/bin/env python3
"""An OTLP/HTTP endpoint that accepts every export and keeps nothing: what the gateway's tracing
costs is measured against it (run.sh TRACING=on). It answers 200 with an empty protobuf
ExportTraceServiceResponse to POST /v1/traces and counts the requests and bytes it received,
printing them when stopped.

    python3 otlp-sink.py PORT
"""
import http.server
import signal
import sys

received = {"requests": 0, "bytes": 0}


class Sink(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        self.rfile.read(length)
        received["requests"] += 1
        received["bytes"] += length
        self.send_response(200)
        self.send_header("Content-Type", "application/x-protobuf")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


def stop(*_):
    print(f"OTLP_SINK requests={received['requests']} bytes={received['bytes']}", flush=True)
    sys.exit(0)


signal.signal(signal.SIGTERM, stop)
signal.signal(signal.SIGINT, stop)
http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Sink).serve_forever()
