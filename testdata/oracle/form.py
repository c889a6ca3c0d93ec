# form.py serves the aiohttp side of form_diff_test.go: request.post()'s
# items as JSON, each [name, "s"|"b", hex of the value] for a field
# (str encoded as UTF-8, bytes as they are) or [name, "f", filename,
# content_type, size, sha256 hex] for a FileField. An exception other than
# an HTTP one answers 500 with its class name (what aiohttp does, plus why).
import hashlib
import json
import sys

from aiohttp import web


async def form(request):
    try:
        post = await request.post()
    except web.HTTPException:
        raise
    except Exception as e:
        return web.Response(status=500, text=type(e).__name__ + ": " + str(e))
    out = []
    for k, v in post.items():
        if isinstance(v, web.FileField):
            data = v.file.read()
            out.append([k, "f", v.filename, v.content_type, len(data),
                        hashlib.sha256(data).hexdigest()])
        elif isinstance(v, str):
            out.append([k, "s", v.encode("utf-8", "surrogatepass").hex()])
        else:
            out.append([k, "b", bytes(v).hex()])
    return web.Response(text=json.dumps(out, separators=(",", ":"),
                                        ensure_ascii=False))


app = web.Application()
app.router.add_post("/form", form)
web.run_app(app, host="127.0.0.1", port=int(sys.argv[1]), print=None)
