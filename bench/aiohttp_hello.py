# The seed's hello route served by aiohttp (Debian's python3-aiohttp), for
# the load comparison: /usr/bin/python3 aiohttp_hello.py PORT
import sys

from aiohttp import web


async def hello(request):
    return web.Response(body=b"Hello, world")

app = web.Application()
app.router.add_route('GET', '/', hello)
web.run_app(app, host='127.0.0.1', port=int(sys.argv[1]), print=None, access_log=None)
