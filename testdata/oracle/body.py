# body.py serves the aiohttp side of body_test.go: raw_path and path_qs.
import sys

from aiohttp import web


async def raw(request):
    return web.Response(text=request.raw_path + " | " + request.path_qs)


app = web.Application()
app.router.add_get("/raw/{x}", raw)
web.run_app(app, host="127.0.0.1", port=int(sys.argv[1]), print=None)
