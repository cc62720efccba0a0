# The process one Python 3 function instance runs in, started by the fcw sandbox. It imports the
# function's module from the working copy (its cwd), then answers frames on fd 3 (a socket pair with
# the sandbox): "initialize" runs the initializer, "invoke" the handler, each answered by "done".
# What the function prints or logs is sent back as "log" frames before its "done", so each
# invocation's log is complete and in order when its answer arrives.
# Frame: u32le header length, u32le body length, JSON header, body bytes.
import importlib
import io
import json
import logging
import os
import resource
import socket
import struct
import sys
import time
import traceback
from urllib.parse import quote

OPTIONS = json.loads(sys.argv[1])
CHANNEL = socket.socket(fileno=3)
CURRENT = {"request_id": ""}


def send(header, body=b""):
    head = json.dumps(header).encode("utf-8")
    CHANNEL.sendall(struct.pack("<II", len(head), len(body)) + head + body)


def log(data):
    if data:
        send({"type": "log"}, data)


class LogStream(io.TextIOBase):
    """sys.stdout / sys.stderr: every write becomes a log frame."""

    def writable(self):
        return True

    def write(self, text):
        log(text.encode("utf-8", "replace"))
        return len(text)

    def flush(self):
        pass


sys.stdout = LogStream()
sys.stderr = LogStream()


class RequestIdFilter(logging.Filter):
    def filter(self, record):
        record.request_id = CURRENT["request_id"]
        return True


class FcFormatter(logging.Formatter):
    def formatTime(self, record, datefmt=None):
        return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)) + ".%03dZ" % record.msecs


_handler = logging.StreamHandler(sys.stdout)
_handler.setFormatter(FcFormatter("%(asctime)s %(request_id)s [%(levelname)s] %(message)s"))
_handler.addFilter(RequestIdFilter())
_root = logging.getLogger()
_root.handlers = [_handler]
_root.setLevel(logging.INFO)


class Namespace(object):
    def __init__(self, **fields):
        self.__dict__.update(fields)

    def __repr__(self):
        return "Namespace(%s)" % ", ".join("%s=%r" % kv for kv in sorted(self.__dict__.items()))


def make_context(c):
    cred = c["credentials"]
    fn = c["function"]
    svc = c["service"]
    return Namespace(
        request_id=c["requestId"],
        credentials=Namespace(
            access_key_id=cred["accessKeyId"],
            access_key_secret=cred["accessKeySecret"],
            security_token=cred.get("securityToken", ""),
        ),
        function=Namespace(
            name=fn["name"],
            handler=fn["handler"],
            memory=fn["memory"],
            timeout=fn["timeout"],
            initializer=fn.get("initializer", ""),
        ),
        service=Namespace(
            name=svc["name"],
            log_project=svc.get("logProject", ""),
            log_store=svc.get("logStore", ""),
            qualifier=svc.get("qualifier", ""),
            version_id=svc.get("versionId", ""),
        ),
        region=c["region"],
        account_id=c["accountId"],
        getLogger=lambda: logging.getLogger(),
    )


def max_rss_kb():
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss // 1024 if sys.platform == "darwin" else rss


def load(handler):
    module_path, _, name = handler.rpartition(".")
    module_name = module_path.replace("/", ".")
    module = importlib.import_module(module_name)
    fn = getattr(module, name, None)
    if not callable(fn):
        raise Exception("Handler '%s' missing on module '%s'" % (name, module_path))
    return fn


def to_bytes(value):
    if value is None:
        return b""
    if isinstance(value, (bytes, bytearray)):
        return bytes(value)
    if isinstance(value, str):
        return value.encode("utf-8")
    return str(value).encode("utf-8")


def error_body(error):
    frames = traceback.extract_tb(error.__traceback__)
    stack = [['File "%s"' % f.filename, "line %d" % f.lineno, "in %s" % f.name, f.line or ""] for f in frames]
    return {"errorMessage": str(error), "errorType": type(error).__name__, "stackTrace": stack}


def wsgi_call(app, http, body, context):
    """An HTTP trigger's request through the WSGI handler(environ, start_response)."""
    pairs = []
    for name, values in sorted(http["queries"].items()):
        for value in values if isinstance(values, list) else [values]:
            pairs.append("%s=%s" % (quote(name), quote(value)))
    query = "&".join(pairs)
    environ = {
        "REQUEST_METHOD": http["method"],
        "PATH_INFO": http["path"],
        "QUERY_STRING": query,
        "CONTENT_LENGTH": str(len(body)),
        "REMOTE_ADDR": http.get("clientIP", ""),
        "SERVER_NAME": "localhost",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
        "fc.context": context,
        "fc.request_uri": http.get("url", http["path"]),
    }
    for name, value in http["headers"].items():
        text = ", ".join(value) if isinstance(value, list) else value
        key = name.upper().replace("-", "_")
        if key == "CONTENT_TYPE":
            environ["CONTENT_TYPE"] = text
        elif key != "CONTENT_LENGTH":
            environ["HTTP_" + key] = text
    answer = {"status": 200, "headers": {}}
    written = []

    def start_response(status, headers, exc_info=None):
        answer["status"] = int(str(status).split(" ", 1)[0])
        answer["headers"] = {k.lower(): v for k, v in headers}
        return written.append

    result = app(environ, start_response)
    try:
        for chunk in result:
            written.append(to_bytes(chunk))
    finally:
        if hasattr(result, "close"):
            result.close()
    return answer, b"".join(to_bytes(w) for w in written)


def hint_if_opt(error):
    """FC puts layers at /opt, the sandbox in FC_OPT_DIR (no root to write /opt): a file not found
    under /opt says where they are."""
    named = getattr(error, "filename", None) if isinstance(error, OSError) else None
    if isinstance(named, str) and (named == "/opt" or named.startswith("/opt/")):
        logging.getLogger().warning(
            "fcw sandbox: '%s': layers are not at /opt here but in FC_OPT_DIR (%s); "
            "use os.environ.get('FC_OPT_DIR', '/opt') to find them on FC too.",
            named,
            os.environ.get("FC_OPT_DIR"),
        )


def run(header, event):
    CURRENT["request_id"] = header["context"]["requestId"]
    context = make_context(header["context"])
    extra = {}
    try:
        if header["type"] == "initialize":
            load(header["context"]["function"]["initializer"])(context)
            body = b""
        elif header["type"] == "http-invoke":
            http, body = wsgi_call(load(header["context"]["function"]["handler"]), header["http"], event, context)
            extra["http"] = http
        else:
            body = to_bytes(load(header["context"]["function"]["handler"])(event, context))
    except BaseException as error:  # SystemExit too: the answer is an error, the instance lives on
        hint_if_opt(error)
        payload = json.dumps(error_body(error)).encode("utf-8")
        send({"type": "done", "ok": False, "handled": False, "maxRssKB": max_rss_kb()}, payload)
        return
    send(dict({"type": "done", "ok": True, "maxRssKB": max_rss_kb()}, **extra), body)


def read_exactly(count):
    chunks = []
    while count > 0:
        chunk = CHANNEL.recv(min(count, 1 << 20))
        if not chunk:
            os._exit(0)  # the sandbox went away: nothing is left to answer to
        chunks.append(chunk)
        count -= len(chunk)
    return b"".join(chunks)


def cap_memory(memory_mb):
    """Caps the address space at what the interpreter maps now plus the function's memory, so an
    allocation past the function's memory fails (MemoryError) rather than taking the machine's.
    Address space is not resident memory: threads' stacks and arenas count too. Where the mapped
    size cannot be read (not Linux), nothing is capped."""
    if not memory_mb or not hasattr(resource, "RLIMIT_AS"):
        return
    try:
        with open("/proc/self/statm") as statm:
            mapped = int(statm.read().split()[0]) * resource.getpagesize()
    except (OSError, ValueError):
        return
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = mapped + memory_mb * 1024 * 1024
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def bind(header):
    """A host may be started ahead of need, as a spare with an empty environment, and bound to a
    function when one needs a new instance: its working copy becomes the cwd and the first entry of
    the search path, the function's variables the whole environment (nothing of the spare's stays),
    and PYTHONPATH, read by Python only at start, is put where it would have been: after the
    script's directory, before the standard library."""
    os.chdir(header["cwd"])
    os.environ.clear()
    os.environ.update(header["env"])
    if hasattr(time, "tzset"):
        time.tzset()  # TZ too is read once; a function's TZ must apply
    extra = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
    sys.path[1:1] = extra
    sys.path.insert(0, header["cwd"])
    importlib.invalidate_caches()


def main():
    cap_memory(OPTIONS.get("memoryMB"))
    if not OPTIONS.get("spare"):
        sys.path.insert(0, os.getcwd())
    send({"type": "ready", "version": "%d.%d.%d" % sys.version_info[:3]})
    while True:
        head_length, body_length = struct.unpack("<II", read_exactly(8))
        header = json.loads(read_exactly(head_length).decode("utf-8"))
        body = read_exactly(body_length)
        if header["type"] == "bind":
            bind(header)
            continue
        run(header, body)
        sys.stdout.flush()


main()
