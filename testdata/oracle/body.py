# body.py serves the aiohttp side of body_test.go: raw_path and path_qs,
# and the query and urlencoded form items as compact JSON pairs.
import json
import sys

from aiohttp import web


async def raw(request):
    return web.Response(text=request.raw_path + " | " + request.path_qs)


async def pairs(request):
    items = request.query.items()
    if request.method == "POST":
        items = (await request.post()).items()
    return web.Response(text=json.dumps(list(items), separators=(",", ":"),
                                        ensure_ascii=False))


app = web.Application()
app.router.add_get("/raw/{x}", raw)
app.router.add_route("*", "/pairs", pairs)
web.run_app(app, host="127.0.0.1", port=int(sys.argv[1]), print=None)
