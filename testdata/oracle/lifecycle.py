# lifecycle.py prints the order in which aiohttp runs the lifecycle hooks of
# an application with two sub-applications (see TestLifecycleOrderMatchesAiohttp).
# Usage: lifecycle.py [FAIL], FAIL being NAME:startup or NAME:ctx to make that
# step raise. It runs AppRunner.setup() and, as run_app does, runner.cleanup().
import asyncio
import sys

from aiohttp import web

events = []
fail = sys.argv[1] if len(sys.argv) > 1 else ""


def hook(kind, name):
    async def h(app):
        events.append(f"{kind} {name}")
        if fail == f"{name}:{kind}":
            raise RuntimeError(f"{kind} {name} failed")
    return h


def ctx(tag, name):
    async def c(app):
        events.append(f"{tag}-enter {name}")
        if fail == f"{name}:{tag}":
            raise RuntimeError(f"{tag} {name} failed")
        yield
        events.append(f"{tag}-exit {name}")
    return c


def sub(name):
    app = web.Application()
    app.cleanup_ctx.append(ctx("ctx", name))
    app.cleanup_ctx.append(ctx("ctx2", name))
    app.on_startup.append(hook("startup", name))
    app.on_shutdown.append(hook("shutdown", name))
    app.on_cleanup.append(hook("cleanup", name))
    return app


async def main():
    app = web.Application()
    app.cleanup_ctx.append(ctx("ctx", "app"))
    app.on_startup.append(hook("startup", "app"))
    app.on_shutdown.append(hook("shutdown", "app"))
    app.on_cleanup.append(hook("cleanup", "app"))
    app.add_subapp("/s1", sub("sub1"))
    # Registered after the first mount: runs after sub1's hooks; a cleanup
    # context still runs before every on_startup hook of its app.
    app.cleanup_ctx.append(ctx("ctx2", "app"))
    app.on_startup.append(hook("startup", "app#2"))
    app.on_shutdown.append(hook("shutdown", "app#2"))
    app.on_cleanup.append(hook("cleanup", "app#2"))
    app.add_subapp("/s2", sub("sub2"))
    runner = web.AppRunner(app)
    try:
        await runner.setup()
    except RuntimeError as e:
        events.append(f"error {e}")
    else:
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
    await runner.cleanup()


asyncio.run(main())
print("\n".join(events))
