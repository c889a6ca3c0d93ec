# request.py serves the aiohttp side of request_diff_test.go: the request
# accessors (method, path, raw_path, path_qs, query, cookies, content_type,
# charset, content_length, keep_alive, host, version, body_exists,
# can_read_body and a few header lookups) as one JSON object. None is
# written as aioweb's "none" value: "" for charset, -1 for content_length.
import json
import sys

from aiohttp import web

HEADERS = ["Cookie", "Content-Type", "Content-Length", "Connection",
           "If-Modified-Since", "X-Dup"]


async def info(request):
    cl = request.content_length
    d = {
        "method": request.method,
        "path": request.path,
        "raw_path": request.raw_path,
        "path_qs": request.path_qs,
        "query_string": request.query_string,
        "query": [list(kv) for kv in request.query.items()],
        "cookies": dict(request.cookies),
        "content_type": request.content_type,
        "charset": request.charset or "",
        "content_length": -1 if cl is None else cl,
        "keep_alive": request.keep_alive,
        "host": request.host,
        "version": "HTTP/%d.%d" % tuple(request.version),
        "body_exists": request.body_exists,
        "can_read_body": request.can_read_body,
        "headers": {k: request.headers.getall(k, []) for k in HEADERS},
    }
    await request.read()
    return web.Response(text=json.dumps(d, sort_keys=True, separators=(",", ":"),
                                        ensure_ascii=False))


app = web.Application()
app.router.add_route("*", "/info", info)
web.run_app(app, host="127.0.0.1", port=int(sys.argv[1]), print=None)
