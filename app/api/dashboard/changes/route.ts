import { requireUser } from "@/lib/auth/principal";
import { getStore } from "@/lib/db/open";
import { route } from "@/lib/http/route";
import { onRequestsChanged } from "@/lib/requests/changes";

export const dynamic = "force-dynamic";

/** Changes closer together than this reach the browser as one event. */
const COALESCE_MS = 250;
/** A comment line this often keeps proxies from closing an idle stream. */
const KEEPALIVE_MS = 25_000;

/**
 * Server-sent events for the dashboard's live views: a `change` event soon after any request
 * changes, made through this web server or any other (the store's NOTIFY or data_version). The
 * views then fetch what they show; their own polling is only a slow safety net.
 */
export const GET = route(async (req) => {
  const store = await getStore();
  await requireUser(store, req);
  const encoder = new TextEncoder();
  let stop = () => {};
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      const send = (text: string) => {
        try {
          controller.enqueue(encoder.encode(text));
        } catch {
          stop(); // the stream is closed
        }
      };
      let timer: NodeJS.Timeout | undefined;
      const unsubscribe = onRequestsChanged(store, () => {
        timer ??= setTimeout(() => {
          timer = undefined;
          send("event: change\ndata: {}\n\n");
        }, COALESCE_MS);
      });
      const keepalive = setInterval(() => send(": keepalive\n\n"), KEEPALIVE_MS);
      stop = () => {
        unsubscribe();
        clearInterval(keepalive);
        clearTimeout(timer);
        try {
          controller.close();
        } catch {
          // already closed
        }
      };
      req.signal.addEventListener("abort", () => stop(), { once: true });
      send("retry: 2000\n\n");
    },
    cancel() {
      stop();
    },
  });
  return new Response(body, {
    headers: { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-store", "x-accel-buffering": "no" },
  });
});
