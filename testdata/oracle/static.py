# Oracle for aioweb's static-file tests: add_static(argv[2], argv[3]) with
# aiohttp (Debian's python3-aiohttp, 3.8.4) on 127.0.0.1:argv[1], plus an
# add_get route, so traversal answers (403 or 404) can be compared.
import sys

from aiohttp import web


async def hello(req):
    return web.Response(text="hello")

app = web.Application()
app.router.add_static(sys.argv[2], sys.argv[3])
app.router.add_get('/get', hello)
app.router.add_post('/get', hello)
web.run_app(app, host='127.0.0.1', port=int(sys.argv[1]), print=None)
