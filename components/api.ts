import { ApiError } from "@/lib/http/errors";

/** SWR's fetcher: JSON on success, the server's ApiError (status, code, sentence) otherwise. */
export async function fetchJson<T>(url: string): Promise<T> {
  const res = await fetch(url, { headers: { accept: "application/json" }, cache: "no-store" });
  const body: unknown = await res.json().catch(() => null);
  if (!res.ok) throw ApiError.fromBody(res.status, body);
  return body as T;
}

/** A POST to one of the API's actions; resolves to what the server answered, never throws on HTTP errors. */
export async function postJson<T>(url: string, body?: unknown): Promise<{ ok: true; data: T } | { ok: false; error: ApiError }> {
  try {
    const res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const data: unknown = await res.json().catch(() => null);
    if (!res.ok) return { ok: false, error: ApiError.fromBody(res.status, data) };
    return { ok: true, data: data as T };
  } catch (err) {
    return { ok: false, error: new ApiError(0, "network", `The server could not be reached (${(err as Error).message}).`) };
  }
}
