# Oracle for aioweb's access log tests: serves a few routes on
# 127.0.0.1:argv[1] with aiohttp (Debian's python3-aiohttp, 3.8.4), logging
# each request in the access log format argv[2] to the file argv[3].
import logging
import sys

from aiohttp import web

handler = logging.FileHandler(sys.argv[3])
handler.setFormatter(logging.Formatter("%(message)s"))
access = logging.getLogger("aiohttp.access")
access.addHandler(handler)
access.setLevel(logging.INFO)


async def text(req):
    return web.Response(text="hello", headers={"X-Out": "o1"})


async def status(req):
    return web.Response(status=int(req.match_info["n"]), text="s")


async def ws(req):
    w = web.WebSocketResponse()
    await w.prepare(req)
    async for m in w:
        await w.send_str(m.data + "/answer")
    return w


app = web.Application()
app.router.add_get("/text", text)
app.router.add_get("/status/{n}", status)
app.router.add_get("/ws", ws)
app.router.add_get("/{tail:.*}", text)
web.run_app(app, host='127.0.0.1', port=int(sys.argv[1]), print=None,
            access_log=access, access_log_format=sys.argv[2])
