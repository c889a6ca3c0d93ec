# Oracle for aioweb's routing tests: serves the route table given as JSON in
# argv[2] on 127.0.0.1:argv[1] with aiohttp (Debian's python3-aiohttp, 3.8.4).
# Each handler answers "r<index>|<match_info as sorted compact JSON>", the
# same body aioweb_test.go's handlers write.
import json
import sys

from aiohttp import web

ROUTES = json.loads(sys.argv[2])


def mk(i):
    async def h(req):
        info = json.dumps(dict(sorted(req.match_info.items())),
                          separators=(',', ':'), ensure_ascii=False)
        return web.Response(text=f"r{i}|{info}")
    return h


app = web.Application()
for i, (m, p) in enumerate(ROUTES):
    app.router.add_route(m, p, mk(i))
web.run_app(app, host='127.0.0.1', port=int(sys.argv[1]), print=None)
